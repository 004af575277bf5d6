"""HTML transcripts in the Podcasting 2.0 shape.

::

    <cite>Nathan Lambert:</cite>
    <time>0:00</time>
    <p>Welcome to The Retort.</p>
    <p>Today: open source.</p>                 <- no cite: same turn

A `<cite>` names the speaker of the paragraphs after it, a `<time>` gives
the start of the next paragraph (`0:00`, `01:02:03`, `1:05.5`; its
`datetime` attribute when the text is not a time), and each `<p>` is a cue.
Everything else (headings, `<script>`, `<style>`) is ignored, except that
`<title>` gives the transcript's title. Some files carry no times at all:
a paragraph without one is placed by character offset between the known
times around it, or at 15 characters a second when there are none, and
flagged estimated, so starts never decrease.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .base import ParsedTranscript, TranscriptError, Warnings, clamp_backwards
from .labels import speaker_name
from .limits import Limits, Tally
from .turns import (
    Cue,
    clean_text,
    clock,
    estimate_starts,
    merge_turns,
    parse_clock,
    require_text,
)


def parse_html(text: str, limits: Limits | None = None) -> ParsedTranscript:
    """Parse an HTML transcript; raise `TranscriptError` naming the line."""
    tally = Tally(limits)
    reader = _Reader(tally)
    try:
        reader.feed(text)
        reader.close()
    except AssertionError as error:  # html.parser's last resort on odd markup
        raise TranscriptError(f"unreadable HTML: {error}") from None
    reader.flush()
    estimate_starts(reader.cues)
    segments = require_text(merge_turns(reader.cues, tally), "<p> paragraphs")
    return ParsedTranscript(
        format="html", segments=segments, title=reader.title, warnings=reader.warnings
    )


class _Reader(HTMLParser):
    """Collects cues from `<cite>`, `<time>` and `<p>` as the parser meets them."""

    IGNORED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self, tally: Tally) -> None:
        super().__init__(convert_charrefs=True)
        self.tally = tally
        self.cues: list[Cue] = []
        self.title = ""
        self.ignoring: str | None = None
        self.capturing: str | None = None  # "cite", "time" or "title"
        self.captured: list[str] = []
        self.capture_line = 1
        self.datetime: str | None = None
        self.paragraph: list[str] = []
        self.paragraph_line: int | None = None
        self.in_paragraph = False
        self.speaker: str | None = None
        self.speaker_line: int | None = None
        self.time: float | None = None
        self.last_time: tuple[float, int] | None = None
        self.warnings = Warnings()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.ignoring:
            return
        if tag in self.IGNORED:
            self.ignoring = tag
        elif tag in ("cite", "time", "title"):
            if tag != "title":
                self.flush()
            self.capturing = tag
            self.captured = []
            self.capture_line = self.getpos()[0]
            self.datetime = dict(attrs).get("datetime") if tag == "time" else None
        elif tag == "p":
            self.flush()
            self.in_paragraph = True
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.ignoring:
            if tag == self.ignoring:
                self.ignoring = None
            return
        if tag != self.capturing:
            if tag == "p":
                self.flush()
                self.in_paragraph = False
            return
        value = clean_text("".join(self.captured))
        self.capturing = None
        if tag == "title":
            self.title = self.title or value
        elif tag == "cite":
            self.speaker = speaker_name(value)
            self.speaker_line = self.capture_line
        else:
            self.time = self._seconds(value)

    def handle_data(self, data: str) -> None:
        if self.ignoring:
            return
        if self.capturing:
            self.captured.append(data)
        elif self.in_paragraph:
            if self.paragraph_line is None and data.strip():
                self.paragraph_line = self.getpos()[0] + data[
                    : len(data) - len(data.lstrip())
                ].count("\n")
            self.paragraph.append(data)

    def flush(self) -> None:
        """Make the paragraph read so far a cue, if it has any text."""
        text = clean_text("".join(self.paragraph))
        self.paragraph = []
        if not text:
            return
        line = self.speaker_line if self.speaker else self.paragraph_line
        self.tally.cue(line)
        self.cues.append(Cue(self.speaker, text, self.time, None, line))
        self.paragraph_line = None
        self.speaker = self.speaker_line = None
        self.time = None

    def _seconds(self, value: str) -> float:
        line = self.capture_line
        seconds = parse_clock(value)
        if seconds is None and self.datetime:
            seconds = parse_clock(self.datetime)
        if seconds is None:
            raise TranscriptError(
                f"bad timestamp {value!r} in <time>: expected a time such as "
                "0:00, 1:05.5 or 01:02:03",
                line=line,
            )
        if self.last_time:
            seconds = clamp_backwards(
                seconds,
                self.last_time[0],
                what=f"time {clock(seconds)}",
                before=f"the <time> before it, on line {self.last_time[1]}, says "
                f"{clock(self.last_time[0])}",
                line=line,
                warnings=self.warnings,
            )
        self.last_time = (seconds, line)
        return seconds
