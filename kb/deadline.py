"""A time bound on one request, inside kb, short of gunicorn's worker timeout.

gunicorn kills a worker whose request outlasts `timeout` and the client gets
no answer kb wrote (a reset, or the proxy's own HTML page). kb stops first:
`within(seconds)` arms a real-time timer (SIGALRM) that raises
`RequestTimedOut` wherever the request's code is, and the API and the pages
answer it as a 503. PostgreSQL's `statement_timeout` (a shorter bound, set
for web processes in kb/settings.py) stops a slow query before that; this
bound catches the Python work between queries.

Signals reach only the main thread, so the bound applies to gunicorn's sync
workers (kb's default, one thread each); in a threaded worker it is off and
`statement_timeout` alone bounds the database side.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class RequestTimedOut(Exception):
    """The request ran past `KB_REQUEST_TIMEOUT_SECONDS`."""


@dataclass
class Deadline:
    seconds: float
    fired: bool = False

    def message(self) -> str:
        return (
            f"The request took longer than {self.seconds:g} s and was stopped; "
            "nothing it began was written."
        )

    def _raise(self, signum: int, frame: object) -> None:
        self.fired = True
        raise RequestTimedOut(self.message())


@contextmanager
def within(seconds: float) -> Iterator[Deadline]:
    """Raise `RequestTimedOut` in this block after `seconds` (0: no bound)."""
    deadline = Deadline(seconds)
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield deadline
        return
    previous = signal.signal(signal.SIGALRM, deadline._raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
