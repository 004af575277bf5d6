"""Reads: one function per need, shared by the pages, the API and the admin.

Each function names the columns it shows (an episode's source transcript,
megabytes, is never loaded for a title) and runs a fixed number of queries,
said in its docstring and asserted in the tests. Readers see published terms
only (`Term.objects.published()`), and only what links to them.

- `terms`: the A–Z index, a concept's page and the API's term list and
  detail, labels, old addresses.
- `citations`: where a term was said, for its page and the API.
- `episodes`: episode lists and pages, their people, segments and terms.
- `glossary`: the whole published glossary as plain rows (JSON-LD).
- `curation`: the admin's reads (the review queue, a term's changes).
- `state`: what an API response depends on, for ETags (read apart from the
  bodies, on every request).
"""

# glossary.search shows times with this; its home is glossary.rendering.
from ..rendering import clock

__all__ = ["clock"]
