"""This process's linker, rebuilt whenever the glossary version moves.

Every call reads the version (one indexed single-row query) and reuses the
matcher built for it, so an edit in the admin reaches every server process
without a restart.

A small glossary is rebuilt inside the request that finds the version moved
(milliseconds). From `KB_LINKER_BACKGROUND_TERMS` terms on (2,000 by
default), building takes long enough to stall that request (2.8 s at
100,000 terms), so a thread builds the new matcher while requests keep being
answered by the previous one: links lag an edit by the build's time, and no
request waits for it. One build at a time per process; a version that moved
again meanwhile is picked up by the next request after it.

Built once per host, not once per process: the first process to need a
version builds it under a file lock and stores it, pickled, in
`KB_LINKER_CACHE_DIR`; the host's other processes load that file instead
(0.6 s against 5 s of building at 100,000 terms). A file that cannot be read
is rebuilt in the process, and logged. See `_stored_or_built`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Q

from .linking import DEFAULT_SKIP_ELEMENTS, Entry, Matcher, explain_html
from .models import Alias, GlossaryVersion, Term

PUBLIC = (Term.Status.PUBLISHED,)
PREVIEW = (Term.Status.PUBLISHED, Term.Status.DRAFT, Term.Status.CANDIDATE)


@dataclass(frozen=True, slots=True)
class LinkedTerm:
    id: int
    slug: str
    label: str
    short_definition: str
    status: str

    @property
    def url(self) -> str:
        return Term(slug=self.slug).get_absolute_url()


@dataclass(frozen=True, slots=True)
class GlossaryLinker:
    """A matcher and the terms its matches point at, for one glossary version."""

    version: int
    matcher: Matcher
    terms: dict[int, LinkedTerm]
    ids_by_slug: dict[str, int]


logger = logging.getLogger(__name__)

_lock = threading.Lock()
_built: dict[tuple[str, ...], GlossaryLinker] = {}
_building: set[tuple[str, ...]] = set()
DEFAULT_BACKGROUND_TERMS = 2000


def current_glossary(*, include_drafts: bool = False) -> GlossaryLinker:
    """The glossary of published terms (or, for editors' previews, all but rejected)."""
    statuses = PREVIEW if include_drafts else PUBLIC
    state = _current_state()
    glossary = _built.get(statuses)
    if glossary is not None and glossary.version == state.version:
        return glossary
    if glossary is not None and len(glossary.terms) >= _background_terms():
        _build_in_background(statuses)
        return glossary
    with _lock:
        glossary = _built.get(statuses)
        if glossary is None or glossary.version != state.version:
            # The version was read before the rows: a change made meanwhile
            # moves it again, and the next call rebuilds.
            glossary = _stored_or_built(state, statuses)
            _built[statuses] = glossary
    return glossary


def _background_terms() -> int:
    return int(
        getattr(settings, "KB_LINKER_BACKGROUND_TERMS", DEFAULT_BACKGROUND_TERMS)
    )


def _build_in_background(statuses: tuple[str, ...]) -> None:
    with _lock:
        if statuses in _building:
            return
        _building.add(statuses)
    threading.Thread(
        target=_background_build,
        args=(statuses,),
        name="kb-linker-build",
        daemon=True,
    ).start()


def _background_build(statuses: tuple[str, ...]) -> None:
    try:
        glossary = _stored_or_built(_current_state(), statuses)
        with _lock:
            _built[statuses] = glossary
    except Exception:
        # The previous matcher keeps serving; the next request tries again.
        logger.exception("Building the linker in the background failed")
    finally:
        with _lock:
            _building.discard(statuses)
        connection.close()  # this thread's own connection


@dataclass(frozen=True, slots=True)
class _State:
    version: int
    # When the version last moved: with the version, it names one state of
    # the glossary across processes (a version reached again after a
    # rollback, or in a recreated database, comes with another time).
    changed_at: str | None


def _current_state() -> _State:
    """`GlossaryVersion.objects.current()` as one plain statement: it runs
    before every link, and building the queryset cost more than the query."""
    table = connection.ops.quote_name(GlossaryVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, updated_at FROM {table} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return _State(row[0], str(row[1])) if row else _State(0, None)


# --------------------------------------------------------------------------
# One build per host: the pickled linker on local disk
# --------------------------------------------------------------------------

# Files of other databases or code versions are removed after this long.
_STALE_SECONDS = 24 * 3600


def _stored_or_built(state: _State, statuses: tuple[str, ...]) -> GlossaryLinker:
    """The linker for `state`: loaded from the host's file, or built and stored.

    The file is named after the code, the database, the statuses and the
    state, so it can only hold that glossary. Building happens under an
    exclusive lock on the kind's lock file: a process that finds the lock
    taken waits, then loads what the holder stored. A file is stored only
    from committed data (outside a transaction), since rows read inside one
    may still change before it commits under the same version; and not for
    version 0, which has no time to tell one empty glossary from another.
    """
    directory = _cache_dir()
    if directory is None or state.changed_at is None:
        return _build(state.version, statuses)
    prefix = _file_prefix(statuses)
    path = directory / f"{prefix}-{state.version}-{_digest(state.changed_at)}.pickle"
    glossary = _load(path, state)
    if glossary is not None:
        return glossary
    if connection.in_atomic_block:
        return _build(state.version, statuses)
    try:
        with _file_lock(directory / f"{prefix}.lock"):
            glossary = _load(path, state)  # stored while this process waited
            if glossary is not None:
                return glossary
            glossary = _build(state.version, statuses)
            _store(path, glossary)
    except OSError:
        logger.warning("Linker lock in %s unusable", directory, exc_info=True)
        glossary = _build(state.version, statuses)
    _clean(directory, prefix, state.version)
    return glossary


def _cache_dir() -> Path | None:
    """`KB_LINKER_CACHE_DIR`, made private to this user; None when off or unsafe.

    Unpickling runs code, so a directory another user could write to is
    refused.
    """
    setting = getattr(settings, "KB_LINKER_CACHE_DIR", "")
    if not setting:
        return None
    directory = Path(setting)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        logger.warning("Linker cache %s unusable", directory, exc_info=True)
        return None
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        logger.warning(
            "Linker cache %s refused: not owned by this user, or writable by others",
            directory,
        )
        return None
    return directory


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_scope: list[str] = []


def _file_prefix(statuses: tuple[str, ...]) -> str:
    """`linker-<code and database>-<statuses>`: what a file's linker was built by
    and from. The code is the linker's source files, Python's version and
    pyahocorasick's, so a deploy never loads a matcher pickled by other code."""
    if not _scope:
        linking = Path(__file__).resolve().parent / "linking"
        sources = sorted(linking.glob("*.py")) + [Path(__file__).resolve()]
        code = hashlib.sha256()
        for source in sources:
            code.update(source.read_bytes())
        code.update(
            f"{sys.version_info[:3]} {package_version('pyahocorasick')}".encode()
        )
        _scope.append(code.hexdigest())
    database = connection.settings_dict
    where = _digest(
        f"{_scope[0]} {connection.vendor} "
        f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    return f"linker-{where}-{'+'.join(statuses)}"


def _load(path: Path, state: _State) -> GlossaryLinker | None:
    try:
        with path.open("rb") as file:
            glossary = pickle.load(file)  # noqa: S301 (a private directory)
    except FileNotFoundError:
        return None
    except Exception:
        logger.warning(
            "Linker file %s unreadable: building it again", path, exc_info=True
        )
        return None
    if not isinstance(glossary, GlossaryLinker) or glossary.version != state.version:
        logger.warning("Linker file %s holds something else: building it again", path)
        return None
    logger.info("Linker for glossary version %s loaded from %s", state.version, path)
    return glossary


def _store(path: Path, glossary: GlossaryLinker) -> None:
    """Write to a temporary file and rename it: a reader sees all or nothing."""
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=path.stem + ".", suffix=".tmp", delete=False
        ) as file:
            temporary = Path(file.name)
            try:
                pickle.dump(glossary, file, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        temporary.replace(path)
    except Exception:
        # The process keeps the linker it built; the others build their own.
        logger.warning("Linker file %s not written", path, exc_info=True)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock across processes, released by the kernel if one dies."""
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _clean(directory: Path, prefix: str, version: int) -> None:
    """Remove this glossary's older versions, and day-old files of others."""
    stale = time.time() - _STALE_SECONDS
    for path in directory.glob("linker-*"):
        try:
            if path.name.startswith(prefix + "-"):
                number = path.name[len(prefix) + 1 :].split("-", 1)[0]
                if number.isdigit() and int(number) < version:
                    path.unlink(missing_ok=True)
            elif not path.name.startswith(prefix) and path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)
        except OSError:
            pass  # another process removed it first


def label_entries(where: Q) -> list[Entry]:
    """The linker's entries for the labels `where` selects (one query).

    The one place an `Alias` row becomes an `Entry`, so the pages, the API
    and the citations match with the same rules.
    """
    rows = Alias.objects.filter(where).values_list(
        "label",
        "term_id",
        "case_sensitive",
        "not_followed_by",
        "not_preceded_by",
        "not_sentence_start",
    )
    return [
        Entry(
            label=label,
            term_id=term_id,
            case_sensitive=case_sensitive,
            not_followed_by=tuple(after or ()),
            not_preceded_by=tuple(before or ()),
            not_sentence_start=sentence,
        )
        for label, term_id, case_sensitive, after, before, sentence in rows
    ]


def _build(version: int, statuses: tuple[str, ...]) -> GlossaryLinker:
    logger.info("Building the linker for glossary version %s", version)
    terms = {
        row[0]: LinkedTerm(*row)
        for row in Term.objects.filter(status__in=statuses).values_list(
            "id", "slug", "label", "short_definition", "status"
        )
    }
    return GlossaryLinker(
        version=version,
        matcher=Matcher(label_entries(Q(term__status__in=statuses))),
        terms=terms,
        ids_by_slug={term.slug: term.id for term in terms.values()},
    )


@dataclass(frozen=True, slots=True)
class ReportedMention:
    """One line of the link report: a mention, its term, linked or why not."""

    start: int
    end: int
    text: str
    term: LinkedTerm
    label: str
    linked: bool
    reason: str | None


def link_report(
    *,
    text: str | None = None,
    html: str | None = None,
    first_only: bool = True,
    max_links: int | None = None,
    skip_terms: Collection[int] = frozenset(),
    skip_elements: Collection[str] = DEFAULT_SKIP_ELEMENTS,
) -> list[ReportedMention]:
    """Every mention of the glossary in a text or HTML, linked or not, and why.

    The API's `"explain": true` and the admin's explain page show this. The
    published glossary decides what is linked (the same options as the
    links); mentions that only a draft or candidate term would take are
    reported as "not published".
    """
    published = current_glossary()
    preview = current_glossary(include_drafts=True)
    options = {"first_only": first_only, "max_links": max_links}
    if html is not None:
        report = explain_html(
            published.matcher,
            html,
            skip_terms=skip_terms,
            skip_elements=skip_elements,
            **options,
        )
        unpublished = [
            e
            for e in explain_html(
                preview.matcher, html, first_only=False, skip_elements=skip_elements
            )
            if e.linked
        ]
    else:
        source = text or ""
        report = published.matcher.explain(source, skip_terms=skip_terms, **options)
        unpublished = preview.matcher.find(source, first_only=False)
    spans = [(e.start, e.end) for e in report]
    lines = [
        ReportedMention(
            e.start,
            e.end,
            e.text,
            published.terms[e.term_id],
            e.label,
            e.linked,
            e.reason,
        )
        for e in report
    ]
    for mention in unpublished:
        if mention.term_id in published.terms:
            continue
        if any(s < mention.end and mention.start < e for s, e in spans):
            continue
        term = preview.terms[mention.term_id]
        lines.append(
            ReportedMention(
                mention.start,
                mention.end,
                mention.text,
                term,
                mention.label,
                False,
                f"not published: the term is a {term.status}",
            )
        )
    lines.sort(key=lambda line: (line.start, line.end))
    return lines
