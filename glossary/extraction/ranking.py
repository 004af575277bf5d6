"""The whole-show review order: every episode's best candidates near the top.

`interleave` deals the episodes' queues (best first) out in rounds: round
one holds each episode's first candidate, round two each one's second, and
so on; a candidate comes in the first round any queue reaches it. Within a
round the better candidate (by `key`) comes first. No episode takes more
than one place a round, however long it is or however many candidates it
has, so a short episode's best candidates come as early as a long one's.

The database reads the same order from stored ranks (a candidate's best rank
in any episode is its round): `services.extraction.review_queue`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item", bound=Hashable)


def interleave(
    queues: Sequence[Sequence[Item]], *, key: Callable[[Item], Any] | None = None
) -> list[Item]:
    """Items by round (their best position in any queue), then by `key`.

    Without a `key`, items of one round keep the order of their queues.
    """
    best: dict[Item, tuple[int, int]] = {}
    for number, queue in enumerate(queues):
        for position, item in enumerate(queue):
            slot = (position, number)
            if item not in best or slot < best[item]:
                best[item] = slot
    if key is None:
        return sorted(best, key=lambda item: best[item])
    return sorted(best, key=lambda item: (best[item][0], key(item), best[item][1]))
