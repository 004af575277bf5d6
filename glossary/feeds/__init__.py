"""Podcast feeds: a pure reader (`reader`) and an HTTP fetcher (`fetch`).

The reader turns feed bytes into plain dataclasses, with no Django and no
network, so it is tested and benchmarked alone; the fetcher is the one place
kb talks HTTP to a show's host.
"""

from .reader import (
    FeedError,
    FeedItem,
    FeedPerson,
    FeedTranscript,
    ParsedFeed,
    read_feed,
)

__all__ = [
    "FeedError",
    "FeedItem",
    "FeedPerson",
    "FeedTranscript",
    "ParsedFeed",
    "read_feed",
]
