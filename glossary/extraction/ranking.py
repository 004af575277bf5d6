"""The whole-show review order: every episode's best candidates near the top.

`interleave` takes each episode's queue (best first) and deals them out in
rounds: each episode's first candidate, then each one's second, and so on,
skipping a candidate already dealt. No episode takes more than one place a
round, however long it is or however many candidates it has, so a short
episode's best candidates come as early as a long one's.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


def interleave(queues: Sequence[Sequence[Item]]) -> list[Item]:
    """Round-robin over the queues in their given order, each item once."""
    seen: set[Item] = set()
    order: list[Item] = []
    longest = max((len(queue) for queue in queues), default=0)
    for position in range(longest):
        for queue in queues:
            if position < len(queue):
                item = queue[position]
                if item not in seen:
                    seen.add(item)
                    order.append(item)
    return order
