"""Wikipedia lookups: the only code in kb that talks to an outside service.

`client` makes the requests (through the `wikipedia-api` package), `mediawiki`
says what is asked and reads the answers, `attribution` writes the credit
CC BY-SA requires. Reader pages and the API only ever read what the services
stored; they never import the client.
"""

from .attribution import attribution_html, attribution_markdown, attribution_text
from .client import WikipediaClient, make_client
from .mediawiki import Lookup, Status

__all__ = [
    "Lookup",
    "Status",
    "WikipediaClient",
    "attribution_html",
    "attribution_markdown",
    "attribution_text",
    "make_client",
]
