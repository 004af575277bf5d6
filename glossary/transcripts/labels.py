"""Speaker labels as real transcripts write them, for every format.

One grammar for all parsers, so `Jane Doe, PsyD:`, `Dr. Jane Doe:`,
`Speaker 1:`, `SPEAKER_00:` and `[Speaker 2]` mean the same in plain text,
SRT, WebVTT, JSON and HTML:

- a **name**: one to four capitalised words (particles such as `de`, `van`
  allowed inside), after an optional honorific (`Dr.`, `Prof.`...) and
  before optional credentials after a comma (`, PsyD`, `, Ph.D., MPH`);
- a **placeholder** from diarization (`Speaker 1`, `SPEAKER_00`,
  `Speaker B`, `Unknown Speaker`): a voice the machine told apart but could
  not name. It becomes a placeholder person for that episode, never a
  candidate term, until an editor names it.

Honorifics and credentials are dropped from the label a parser returns, so
`Dr. Jane Doe` and `Jane Doe, PsyD` are both `Jane Doe`.
"""

from __future__ import annotations

import re

HONORIFIC = r"(?:Dr|Prof|Mr|Mrs|Ms|Mx|Rev|Sir|Dame|Fr|Sr)\.?"
PARTICLE = r"(?:de|da|di|du|del|della|der|den|van|von|la|le|bin|ibn|al|el|dos|y)"
NAME_WORD = r"[^\W\d_][\w'’.\-]*"
CREDENTIAL = r"(?:[A-Z][A-Za-z.]{0,9}|[IVX]{1,4})"
NAME = (
    rf"(?:{HONORIFIC} )?(?P<name>{NAME_WORD}(?: {NAME_WORD}){{0,5}})"
    rf"(?:, {CREDENTIAL}(?:,? {CREDENTIAL}){{0,2}})?"
)
NAME_MAX_WORDS = 4
PLACEHOLDER = (
    r"(?:(?:speaker|spk|spkr|voice|participant|unknown speaker|unknown)"
    r"[ _#-]?(?:\d{1,3}|[A-Z]))|unknown(?: speaker)?"
)
PLACEHOLDER_RE = re.compile(rf"(?:{PLACEHOLDER})", re.IGNORECASE)
PARTICLE_RE = re.compile(PARTICLE)

# `Label: text` or `Label:` alone; `[Label] text` or `[Label]: text`.
# Long enough for any label (the ingest's limits refuse absurd ones by name);
# a label is at most four name words anyway.
PLAIN_LABEL_RE = re.compile(r"^(?P<label>[^\[\]:]{1,500}):(?:\s+(?P<text>.*))?$")
BRACKET_LABEL_RE = re.compile(r"^\[(?P<label>[^\[\]:]{1,500})\]:?(?:\s+(?P<text>.*))?$")
# What a label might be: a short capitalised prefix and a colon, as a line a
# parser did not take for a label but a reader would ("Jane (guest): ...").
LABEL_LIKE_RE = re.compile(r"^(?P<label>[A-Z\[][^:.?!\"“]{0,39}):(?:\s|$)")
LABEL_LIKE_MAX_WORDS = 5

_NAME_RE = re.compile(rf"{NAME}")


def is_placeholder(label: str | None) -> bool:
    """Whether a label is a diarization placeholder (`Speaker 1`, `SPEAKER_00`)."""
    return label is not None and bool(PLACEHOLDER_RE.fullmatch(label.strip()))


def clean_label(raw: str) -> str | None:
    """The speaker a label names (honorific and credentials dropped), or None.

    A placeholder comes back as written (`SPEAKER_00` stays `SPEAKER_00`); a
    name must be one to four words each starting with a capital (particles
    aside), so prose before a colon is not taken for a speaker.
    """
    label = " ".join(raw.split())
    if not label:
        return None
    if is_placeholder(label):
        return label
    match = _NAME_RE.fullmatch(label)
    if not match:
        return None
    name = match["name"]
    words = [word for word in name.split() if not PARTICLE_RE.fullmatch(word)]
    if not name[0].isupper() or len(words) > NAME_MAX_WORDS:
        return None
    if not all(word[0].isupper() for word in words):
        return None
    return name


def speaker_name(written: str) -> str | None:
    """The speaker a format's own speaker field names (a voice, a `<cite>`).

    The field is a speaker by position, so what `clean_label` does not read
    as a name is kept as written rather than dropped.
    """
    label = " ".join(written.split()).rstrip(":").strip().strip("[]").strip()
    if not label:
        return None
    return clean_label(label) or label


def split_label(line: str) -> tuple[str | None, str]:
    """`(speaker, text)` of a line that starts with a label, else `(None, line)`."""
    stripped = line.strip()
    for pattern in (BRACKET_LABEL_RE, PLAIN_LABEL_RE):
        match = pattern.match(stripped)
        if match:
            speaker = clean_label(match["label"])
            if speaker:
                return speaker, match["text"] or ""
    return None, line


def looks_like_label(line: str) -> str | None:
    """The prefix of a line that reads like a speaker label, if it does.

    Only for lines `split_label` refused: the caller reports them instead of
    merging them silently into the turn before.
    """
    match = LABEL_LIKE_RE.match(line.strip())
    if not match:
        return None
    label = match["label"].strip()
    if len(label.split()) > LABEL_LIKE_MAX_WORDS:
        return None
    return label
