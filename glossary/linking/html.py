"""Link glossary terms inside HTML, leaving every other byte as it was.

The standard library's `html.parser` finds where each piece of markup
starts; the text between is what may be linked. Nothing is re-serialised:
the output is the input with `<a ...>` and `</a>` inserted around
mentions, so comments, CDATA, entities, attribute quoting and white space
stay exactly as they were written.

Text is matched as the browser shows it: `AT&amp;T` matches the label
"AT&T" and `open&nbsp;source` matches "open source". Offsets still index
the original HTML, and a mention that starts or ends inside an entity is
widened to the whole entity, so the link wraps the source as written.
A mention never spans markup (`open <em>source</em>` is not a mention).

Safety: the linker does not sanitise its input (sanitise with nh3 first if
the HTML is untrusted) but it never makes it worse. It only ever inserts an
anchor whose attribute values are escaped, whose href must be http(s) or
relative, around characters of a text run that a browser reads as text.
It does not link inside elements whose content a browser does not parse as
markup (`script`, `style`, `textarea`, `title`...) or that must not contain
links. Where the markup is malformed in a way the standard parser and a
browser might read differently (an unbalanced quote in a tag, a "<" the
parser took for text), it stops linking from that point on.
"""

from __future__ import annotations

import html as html_lib
import re
import string
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import replace
from html.parser import HTMLParser

from .folding import OffsetMap
from .matcher import Explained, Match, Matcher, make_match

#: Elements never linked inside: links, code, headings, and every element
#: whose content is not ordinary flow text (raw text, forms, foreign
#: content, templates). The caller's `skip_elements` add to these.
DEFAULT_SKIP_ELEMENTS = frozenset(
    {
        "a",
        "button",
        "code",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "iframe",
        "kbd",
        "math",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "option",
        "plaintext",
        "pre",
        "samp",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "xmp",
    }
)

_VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)

_WS = "[\t\n\f\r ]"
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\t\n\f\r "'<=>`]+)"""
_ATTRIBUTE = rf"""{_WS}+[^\t\n\f\r "'/<=>]+(?:{_WS}*={_WS}*{_VALUE})?"""
_STRICT_START_TAG = re.compile(rf"<[a-zA-Z][^\t\n\f\r />]*(?:{_ATTRIBUTE})*{_WS}*/?>")
_STRICT_END_TAG = re.compile(rf"</[a-zA-Z][^\t\n\f\r />]*{_WS}*>")
# What a browser reads as the start of markup after a "<".
_MARKUP_START = frozenset(string.ascii_letters + "!/?")
# The character references `html.unescape` replaces, found the way it finds them.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_UNSAFE_IN_HREF = re.compile(r"[\x00-\x20\x7f\"'<>`\\]")

# Joins the text runs handed to the matcher. No label may contain it, so no
# mention can span two runs.
_SEPARATOR = "\x00"


class _Events(HTMLParser):
    """Records where each piece of markup or text starts, and what it is."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        newline = source.find("\n")
        while newline != -1:
            self.lines.append(newline + 1)
            newline = source.find("\n", newline + 1)
        self.events: list[tuple[int, str, str]] = []

    def _add(self, kind: str, tag: str = "") -> None:
        line, column = self.getpos()
        self.events.append((self.lines[line - 1] + column, kind, tag))

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self._add("startend", tag)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data")

    def handle_comment(self, data: str) -> None:
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def _opens_markup(source: str, start: int, end: int) -> bool:
    """True if a "<" in source[start:end] may start markup for a browser."""
    at = source.find("<", start, end)
    while at != -1:
        if at + 1 == len(source) or source[at + 1] in _MARKUP_START:
            return True
        at = source.find("<", at + 1, end)
    return False


def _text_runs(source: str, skip: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every run of text that may carry links."""
    parser = _Events(source)
    parser.feed(source)
    parser.close()
    events = parser.events
    runs: list[tuple[int, int]] = []
    open_skipped: list[str] = []
    for i, (start, kind, tag) in enumerate(events):
        end = events[i + 1][0] if i + 1 < len(events) else len(source)
        raw = source[start:end]
        if kind == "data":
            if "<" in raw and _opens_markup(source, start, end):
                # Markup the parser gave up on (`<div title="a>`): a browser
                # may read what follows as part of a tag.
                break
            if not open_skipped and end > start:
                runs.append((start, end))
        elif kind in ("start", "startend"):
            if not _STRICT_START_TAG.fullmatch(raw):
                break  # read differently by a browser, maybe: link no further
            # `<code/>` opens a code element in HTML: the slash is ignored.
            if tag in skip and tag not in _VOID_ELEMENTS:
                open_skipped.append(tag)
        elif kind == "end":
            if not _STRICT_END_TAG.fullmatch(raw):
                break
            if tag in open_skipped:
                while open_skipped.pop() != tag:
                    pass
    return runs


def _decode(raw: str) -> tuple[str, OffsetMap | None]:
    """The text a run shows, and where each entity's replacement came from."""
    if "&" not in raw:
        return raw, None
    chunks = OffsetMap()
    pieces: list[str] = []
    done = 0
    length = 0
    for match in _CHARREF.finditer(raw):
        start, end = match.span()
        pieces.append(raw[done:start])
        length += start - done
        text = html_lib.unescape(match.group())
        pieces.append(text)
        chunks.add(length, length + len(text), start, end)
        length += len(text)
        done = end
    pieces.append(raw[done:])
    return "".join(pieces), chunks


def safe_href(href: str) -> str | None:
    """`href` when it is an http(s) URL or a relative reference, else None.

    Refuses any other scheme (`javascript:`, `data:`...), and white space,
    control characters, quotes, angle brackets and backslashes anywhere,
    which browsers strip or reinterpret in ways that can change the scheme.
    """
    if not href or _UNSAFE_IN_HREF.search(href):
        return None
    scheme = _SCHEME.match(href)
    if scheme is None:
        return href if ":" not in href.split("/", 1)[0] else None
    if scheme.group(1).lower() in ("http", "https") and href[scheme.end() :].startswith(
        "//"
    ):
        return href
    return None


def _anchor(href: str, title: str | None, term_id: int) -> str:
    escape = html_lib.escape
    title_attribute = "" if title is None else f' title="{escape(title, quote=True)}"'
    return (
        f'<a href="{escape(href, quote=True)}"{title_attribute}'
        f' class="kb-term" data-term="{int(term_id):d}">'
    )


def link_html(
    matcher: Matcher,
    html: str,
    *,
    href_for: Callable[[int], str],
    title_for: Callable[[int], str | None] = lambda _: None,
    first_only: bool = True,
    max_links: int | None = None,
    skip_terms: Collection[int] = frozenset(),
    skip_elements: Collection[str] = DEFAULT_SKIP_ELEMENTS,
) -> tuple[str, list[Match]]:
    """Insert links to glossary terms into the text of `html`.

    Returns the new HTML and the mentions linked, with offsets into the
    original `html` (`match.text` is the source as written, entities
    included). `first_only` and `max_links` count across the whole
    document. `skip_elements` (tag names) add to DEFAULT_SKIP_ELEMENTS.
    A term whose `href_for` is refused by `safe_href` is left unlinked, as
    if it were in `skip_terms`.
    """
    skip = DEFAULT_SKIP_ELEMENTS | {name.lower() for name in skip_elements}
    runs = _text_runs(html, skip)
    if not runs:
        return html, []
    joined, to_html = _joined(html, runs)

    hrefs: dict[int, str | None] = {}
    left_out = set(skip_terms)
    while True:
        found = matcher.find(
            joined, first_only=first_only, max_links=max_links, skip_terms=left_out
        )
        refused = set()
        for match in found:
            if match.term_id not in hrefs:
                hrefs[match.term_id] = safe_href(href_for(match.term_id))
            if hrefs[match.term_id] is None:
                refused.add(match.term_id)
        if not refused:
            break
        left_out |= refused

    matches: list[Match] = []
    pieces: list[str] = []
    done = 0
    titles: dict[int, str | None] = {}
    for match in found:
        start, end = to_html(match.start, match.end)
        term = match.term_id
        if term not in titles:
            titles[term] = title_for(term)
        pieces.append(html[done:start])
        pieces.append(_anchor(hrefs[term], titles[term], term))  # type: ignore[arg-type]
        pieces.append(html[start:end])
        pieces.append("</a>")
        done = end
        matches.append(make_match(start, end, html[start:end], term, match.label))
    pieces.append(html[done:])
    return "".join(pieces), matches


def _joined(
    html: str, runs: list[tuple[int, int]]
) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """The runs' text as the browser shows it, joined, and the way back to `html`."""
    texts: list[str] = []
    maps: list[OffsetMap | None] = []
    starts: list[int] = []
    length = 0
    for start, end in runs:
        text, chunks = _decode(html[start:end])
        starts.append(length)
        texts.append(text)
        maps.append(chunks)
        length += len(text) + 1

    def to_html(start: int, end: int) -> tuple[int, int]:
        i = bisect_right(starts, start) - 1
        local_start = start - starts[i]
        local_end = end - starts[i]
        chunks = maps[i]
        if chunks is not None:
            local_start = chunks.start(local_start)
            local_end = chunks.end(local_end)
        return runs[i][0] + local_start, runs[i][0] + local_end

    return _SEPARATOR.join(texts), to_html


def explain_html(
    matcher: Matcher,
    html: str,
    *,
    first_only: bool = True,
    max_links: int | None = None,
    skip_terms: Collection[int] = frozenset(),
    skip_elements: Collection[str] = DEFAULT_SKIP_ELEMENTS,
) -> list[Explained]:
    """`Matcher.explain` for HTML: offsets into `html`, and the mentions inside
    skipped elements ("inside a skipped element")."""
    skip = DEFAULT_SKIP_ELEMENTS | {name.lower() for name in skip_elements}
    runs = _text_runs(html, skip)
    report: list[Explained] = []
    if runs:
        joined, to_html = _joined(html, runs)
        for item in matcher.explain(
            joined, first_only=first_only, max_links=max_links, skip_terms=skip_terms
        ):
            start, end = to_html(item.start, item.end)
            report.append(replace(item, start=start, end=end, text=html[start:end]))
    linkable = set(runs)
    hidden = [run for run in _text_runs(html, frozenset()) if run not in linkable]
    if hidden:
        joined, to_html = _joined(html, hidden)
        for match in matcher.find(joined, first_only=False):
            start, end = to_html(match.start, match.end)
            report.append(
                Explained(
                    start,
                    end,
                    html[start:end],
                    match.term_id,
                    match.label,
                    False,
                    "inside a skipped element",
                )
            )
    report.sort(key=lambda e: (e.start, e.end))
    return report
