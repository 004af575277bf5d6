"""Use cases: the one place that writes. Each is a typed function in one transaction."""
