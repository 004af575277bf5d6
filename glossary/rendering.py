"""How stored things are shown: Markdown as safe HTML, seconds as a clock.

Definitions are Markdown written by editors; readers get sanitised HTML.

Two locks, each enough on its own for the usual attacks: markdown-it-py runs
with raw HTML off (a `<script>` in the source comes out as text) and its
link validator refuses `javascript:`, `vbscript:`, `file:` and `data:`
destinations; then nh3 (ammonia) keeps only an allow-list of tags and
attributes and only http, https and mailto URLs. Nothing here needs Django,
so the admin, the API and the pages all call it.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
TOP_HEADING = 2
"""A definition's biggest heading renders as `<h2>`, whatever the editor typed
(`#` or `###`): the page's `<h1>` is the label, and headings stay in order."""


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    return md


def _shift_headings(tokens: list) -> None:
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = TOP_HEADING - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown to HTML safe to insert in a page (no script, no event
    attributes, no `javascript:` or `data:` URLs)."""
    if not text or not text.strip():
        return ""
    md = _markdown()
    env: dict = {}
    tokens = md.parse(text, env)
    _shift_headings(tokens)
    return _cleaner().clean(md.renderer.render(tokens, md.options, env)).strip()


def clock(seconds: float) -> str:
    """ "12:34", or "1:02:03" past the hour: how players show times."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def play_url(audio_url: str, seconds: float) -> str | None:
    """The audio from that second on (a W3C media fragment), if there is audio."""
    if not audio_url:
        return None
    return f"{audio_url.split('#', 1)[0]}#t={max(0, int(seconds))}"
