"""Match a transcript's speaker labels ("Tom") to known people's names."""

from __future__ import annotations

from collections.abc import Iterable

# Common English short forms; a label also matches a first name it begins
# ("Nat" → "Nathan") or equals.
NICKNAMES: dict[str, set[str]] = {
    "tom": {"thomas"},
    "tommy": {"thomas"},
    "nate": {"nathan", "nathaniel"},
    "nat": {"nathan", "nathaniel", "natalie"},
    "bill": {"william"},
    "will": {"william"},
    "liz": {"elizabeth"},
    "beth": {"elizabeth"},
    "kate": {"katherine", "catherine"},
    "katie": {"katherine", "catherine"},
    "bob": {"robert"},
    "rob": {"robert"},
    "mike": {"michael"},
    "jim": {"james"},
    "jimmy": {"james"},
    "dave": {"david"},
    "dan": {"daniel"},
    "danny": {"daniel"},
    "chris": {"christopher", "christine"},
    "alex": {"alexander", "alexandra"},
    "sam": {"samuel", "samantha"},
    "ben": {"benjamin"},
    "joe": {"joseph"},
    "matt": {"matthew"},
    "steve": {"steven", "stephen"},
    "tony": {"anthony"},
    "andy": {"andrew"},
    "drew": {"andrew"},
    "nick": {"nicholas"},
    "rick": {"richard"},
    "dick": {"richard"},
    "jen": {"jennifer"},
    "jenny": {"jennifer"},
    "meg": {"margaret", "megan"},
    "peggy": {"margaret"},
    "sue": {"susan"},
    "ed": {"edward"},
    "ted": {"edward", "theodore"},
    "greg": {"gregory"},
    "jeff": {"jeffrey"},
    "pat": {"patrick", "patricia"},
    "abby": {"abigail"},
    "vicky": {"victoria"},
}


def speaker_matches(label: str, name: str, short_names: Iterable[str] = ()) -> bool:
    """Whether a speaker label plausibly names the person called `name`."""
    wanted = label.strip().casefold()
    if not wanted:
        return False
    if wanted == name.casefold() or wanted in {s.casefold() for s in short_names}:
        return True
    first = name.split()[0].casefold() if name.split() else ""
    return bool(first) and (
        wanted == first
        or (len(wanted) >= 3 and first.startswith(wanted))
        or first in NICKNAMES.get(wanted, ())
    )


def match_speaker(
    label: str, people: Iterable[tuple[str, Iterable[str]]]
) -> str | None:
    """The one name among `(name, short_names)` pairs that the label names, if any."""
    found = [name for name, short in people if speaker_matches(label, name, short)]
    return found[0] if len(found) == 1 else None
