"""Use cases: the one place that writes. Each is a typed function in one transaction.

A module per family (`terms`, `aliases`, `merge`, `citations`, `extraction`,
`ingest`, `episodes`, `wikipedia`, `accounts`, `backup`); `rules` holds the
rules they all check, `locks` and `uploads` what several of them share.
docs/architecture.md lists which lives where.
"""
