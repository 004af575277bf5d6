"""The glossary's data: episodes and their segments, terms, labels, citations.

(Over 500 lines: Django's one models module per app, so migrations and the
admin find every model in one place; reads live in `selectors`, writes in
`services`.)

Rules that must hold whatever writes the rows live in the database as
constraints (unique slugs, one label naming one term, a citation's span inside
its segment); services are the only code that writes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from .linking.context import rule_problem
from .linking.normalize import normalize_label


class Person(models.Model):
    """A host or guest; `short_names` are how transcripts label them ("Tom")."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    short_names = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True)
    url = models.URLField(blank=True)
    # show: a diarization voice ("Speaker 1") of one episode, until named.
    is_placeholder = models.BooleanField(
        default=False,
        help_text="An unnamed voice of one episode (Speaker 1); name or merge it.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


# show: shows, their feeds and episode identity (issue 13). --------------------


class Show(models.Model):
    """A podcast: its feed, site and artwork, and who hosts it by default.

    Several shows share one glossary. Episodes point at a show by its title
    (the column they always had), so renaming a show is refused while it has
    episodes; `default_hosts` credits episodes whose feed item names nobody.
    """

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    feed_url = models.URLField(max_length=500, blank=True)
    site_url = models.URLField(max_length=500, blank=True)
    artwork_url = models.URLField(max_length=500, blank=True)
    default_hosts = models.JSONField(
        default=list,
        blank=True,
        help_text='Who hosts by default: [{"name": "Jane Doe", "role": "host"}].',
    )
    feed_etag = models.CharField(max_length=300, blank=True, editable=False)
    feed_last_modified = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="show_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class Job(models.Model):
    """A long piece of work run by the task queue's worker, as editors see it.

    The queue (django-tasks' database backend) runs it; this row says what
    it is for, how far it got, what went wrong and what it changed, in
    words the admin shows.
    """

    class Kind(models.TextChoices):
        IMPORT_FEED = "import_feed", "Import from the feed"
        REEXTRACT = "reextract", "Re-extract candidate terms"
        REFRESH_CITATIONS = "refresh_citations", "Refresh citations"
        ENRICH_WIKIPEDIA = "enrich_wikipedia", "Wikipedia enrichment"
        REFRESH_TERMS = "refresh_terms", "Refresh citations of changed terms"
        INGEST_TRANSCRIPT = "ingest_transcript", "Ingest an uploaded transcript"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    show = models.ForeignKey(
        Show, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(done__lte=F("total")),
                name="job_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        where = f" of {self.show_id}" if self.show_id else ""
        return f"{self.get_kind_display()}{where} ({self.get_state_display()})"


# ------------------------------------------------------------------------------


class Episode(models.Model):
    class TranscriptFormat(models.TextChoices):
        TEXT = "text", "Plain text with [HH:MM:SS] markers"
        VTT = "vtt", "WebVTT"
        SRT = "srt", "SubRip (SRT)"
        JSON = "json", "Podcasting 2.0 JSON"
        HTML = "html", "HTML"

    show = models.ForeignKey(
        Show,
        on_delete=models.PROTECT,
        to_field="title",
        db_column="show",
        related_name="episodes",
    )
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    published_on = models.DateField(null=True, blank=True)
    audio_url = models.URLField(blank=True, max_length=500)
    page_url = models.URLField(blank=True, max_length=500)
    duration = models.FloatField(
        null=True, blank=True, help_text="Length of the audio in seconds."
    )
    people = models.ManyToManyField(
        Person, through="Appearance", related_name="episodes"
    )
    transcript = models.TextField(blank=True, help_text="The source file as ingested.")
    transcript_filename = models.CharField(max_length=255, blank=True)
    transcript_format = models.CharField(
        max_length=10, choices=TranscriptFormat.choices, blank=True
    )
    transcript_sha256 = models.CharField(max_length=64, blank=True)
    # show: identity and provenance from the feed, and what ingest last wrote.
    guid = models.CharField(
        "feed GUID", max_length=500, blank=True, help_text="The feed item's GUID."
    )
    season = models.PositiveIntegerField(null=True, blank=True)
    audio_type = models.CharField(max_length=100, blank=True)
    audio_length = models.PositiveBigIntegerField(null=True, blank=True)
    chapters_url = models.URLField(max_length=500, blank=True)
    transcript_url = models.URLField(max_length=500, blank=True)
    transcript_etag = models.CharField(max_length=300, blank=True)
    transcript_last_modified = models.CharField(max_length=100, blank=True)
    ingested_values = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Metadata as ingest last wrote it; a field that differs now "
        "was edited by an editor and is never overwritten.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["show", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["show", "guid"],
                condition=~Q(guid=""),
                name="episode_unique_guid_per_show",
            ),
            models.UniqueConstraint(
                fields=["show", "number"],
                condition=Q(number__isnull=False),
                name="episode_unique_number_per_show",
            ),
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | Q(duration__gte=0),
                name="episode_duration_not_negative",
            ),
            # Readers' URLs and the sitemap are built from it.
            models.CheckConstraint(
                condition=~Q(slug=""), name="episode_slug_not_empty"
            ),
        ]

    def __str__(self) -> str:
        # show_id is the show's title: no query for it.
        if self.number is not None:
            return f"{self.show_id} #{self.number}: {self.title}"
        return f"{self.show_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("episode-detail", kwargs={"slug": self.slug})


class Appearance(models.Model):
    class Role(models.TextChoices):
        HOST = "host", "Host"
        GUEST = "guest", "Guest"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.GUEST)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "person"], name="appearance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) in {self.episode}"


class Segment(models.Model):
    """One speaker turn or merged cue; `marks` are exact times inside the text.

    `marks` holds `[offset, seconds]` pairs: a mention's time is interpolated
    between the segment's start, these marks and the next segment's start.
    """

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="segments"
    )
    order = models.PositiveIntegerField()
    speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="segments",
    )
    speaker_label = models.CharField(max_length=200, blank=True)
    start = models.FloatField(help_text="Start time in seconds.")
    start_estimated = models.BooleanField(
        default=False, help_text="The start was interpolated, not given by the file."
    )
    end = models.FloatField(null=True, blank=True)
    marks = models.JSONField(default=list, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["episode", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "order"], name="segment_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(start__gte=0), name="segment_start_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="segment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["episode", "start"])]

    def __str__(self) -> str:
        return f"{self.episode} @ {self.start:.0f}s ({self.speaker_label or 'unknown'})"


#: "Has a definition" in SQL (the publishing rule's constraint and filters);
#: `services.rules.has_definition` is the same rule in Python.
HAS_DEFINITION = ~Q(short_definition="") | ~Q(definition="")


class TermQuerySet(models.QuerySet):
    def published(self) -> TermQuerySet:
        return self.filter(status=Term.Status.PUBLISHED)

    def defined(self) -> TermQuerySet:
        """Terms with a definition or a short definition."""
        return self.filter(HAS_DEFINITION)

    def proposable(self) -> TermQuerySet:
        """Terms whose mentions are cited: everything but rejected ones."""
        return self.exclude(status=Term.Status.REJECTED)


class Term(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    class Kind(models.TextChoices):
        CONCEPT = "concept", "Concept"
        ORGANIZATION = "organization", "Organization"
        PRODUCT = "product", "Product or model"
        PERSON = "person", "Person"
        OTHER = "other", "Other"

    label = models.CharField("preferred label", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.CANDIDATE, db_index=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CONCEPT)
    short_definition = models.CharField(
        max_length=300, blank=True, help_text="One sentence, shown in tooltips."
    )
    definition = models.TextField(blank=True, help_text="Markdown.")
    score = models.FloatField(null=True, blank=True, help_text="Extraction score.")
    evidence = models.JSONField(default=dict, blank=True)
    related = models.ManyToManyField("self", symmetrical=True, blank=True)
    broader = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="narrower"
    )
    wikipedia_title = models.CharField(
        max_length=300,
        blank=True,
        help_text="The exact Wikipedia article, when the labels find the wrong one.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save; refuses stale edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["score", "evidence"])

    class Meta:
        ordering = ["label"]
        indexes = [
            # The API's term list and the index page read published terms in
            # label order a page at a time: without it every page sorts all.
            models.Index(
                fields=["label", "slug"],
                condition=Q(status="published"),
                name="term_published_by_label",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="term_label_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["candidate", "draft", "published", "rejected"]),
                name="term_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | HAS_DEFINITION,
                name="term_published_has_definition",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        """The concept's page (an old slug redirects there: `TermRedirect`)."""
        return reverse("concept-detail", kwargs={"slug": self.slug})


class Alias(models.Model):
    """Every label of a term, the preferred one included.

    Keeping all labels in one table lets the database enforce that one label
    names one term (`normalized` is unique) and gives the linker one table to
    read.
    """

    class Kind(models.TextChoices):
        PREFERRED = "preferred", "Preferred label"
        ABBREVIATION = "abbreviation", "Abbreviation"
        ALTERNATIVE = "alternative", "Alternative label"
        HIDDEN = "hidden", "Hidden (misspelling)"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, editable=False)
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.ALTERNATIVE
    )
    case_sensitive = models.BooleanField(
        default=False, help_text="Match only this exact case (acronyms such as EA)."
    )
    # Sense rules (`linking.context`): words or characters that, next to a
    # mention, say it is another sense ("meta-analysis" is not Meta).
    not_followed_by = models.JSONField(
        default=list,
        blank=True,
        help_text='Words or characters after which this is not the term ("-analysis").',
    )
    not_preceded_by = models.JSONField(
        default=list,
        blank=True,
        help_text='Words or characters before which this is not the term ("the").',
    )
    not_sentence_start = models.BooleanField(
        default=False,
        help_text="Not a mention at the start of a sentence (for case-sensitive "
        "labels that are also ordinary words).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(normalized=""), name="alias_label_not_empty"
            ),
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(kind="preferred"),
                name="alias_one_preferred_per_term",
            ),
            # One label names one term; only a case-sensitive label may share
            # its key with a label in another case ("Meta" and "meta").
            models.UniqueConstraint(
                fields=["normalized"],
                condition=Q(case_sensitive=False),
                name="alias_one_term_per_label",
            ),
            models.UniqueConstraint(
                fields=["normalized", "label"], name="alias_one_term_per_exact_label"
            ),
        ]
        indexes = [models.Index(fields=["normalized"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.normalized = normalize_label(self.label)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse context rules that are empty, too long or match everything."""
        errors: dict[str, list[str]] = {}
        for name in ("not_followed_by", "not_preceded_by"):
            rules = getattr(self, name)
            if not isinstance(rules, list) or not all(
                isinstance(rule, str) for rule in rules
            ):
                errors[name] = ["A list of words or characters."]
                continue
            problems = [p for p in map(rule_problem, rules) if p]
            if problems:
                errors[name] = problems
        if errors:
            raise ValidationError(errors)


class LabelSense(Alias):
    """A label seen through its senses: the admin page for case and context rules."""

    class Meta:
        proxy = True
        verbose_name = "label sense"
        ordering = ["label"]


class TermRedirect(models.Model):
    """An old slug (of a renamed or merged term) that keeps answering."""

    old_slug = models.SlugField(max_length=200, unique=True)
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.term.slug}"


class Citation(models.Model):
    """A place a term was said: segment, character span, time and quote.

    The time is the mention's own, interpolated between the known times
    around it (`approximate`), not the start of the turn.
    """

    class Source(models.TextChoices):
        AUTO = "auto", "Automatic"
        MANUAL = "manual", "Manual"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="citations")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="citations"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="citations"
    )
    seconds = models.FloatField()
    approximate = models.BooleanField(default=True)
    start_char = models.PositiveIntegerField(null=True, blank=True)
    end_char = models.PositiveIntegerField(null=True, blank=True)
    surface = models.CharField(
        max_length=200, blank=True, help_text="The words as said."
    )
    quote = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.AUTO
    )
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["episode", "seconds"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds__gte=0), name="citation_seconds_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(start_char__isnull=True, end_char__isnull=True)
                | Q(start_char__isnull=False, end_char__gt=F("start_char")),
                name="citation_span_ordered",
            ),
            models.UniqueConstraint(
                fields=["term", "segment", "start_char"], name="citation_once_per_span"
            ),
        ]
        indexes = [models.Index(fields=["term", "episode", "seconds"])]

    def __str__(self) -> str:
        return f"{self.term} in {self.episode} @ {self.seconds:.0f}s"


class CandidateScore(models.Model):
    """A candidate term's score and rank in one episode's review queue.

    Extraction scores a candidate in each episode that uses it, in the
    context of the rest of the show; rank 1 is the episode's best candidate.
    The episode's review queue reads these rows in rank order, and the
    whole-show queue interleaves the episodes' queues.
    """

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="episode_scores"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="candidate_scores"
    )
    score = models.FloatField()
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["episode", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "episode"], name="candidate_score_once_per_episode"
            ),
            models.UniqueConstraint(
                fields=["episode", "rank"], name="candidate_score_rank_unique"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="candidate_score_rank_positive"
            ),
        ]
        # The review queue orders every candidate by its best rank: read from
        # this index alone, without visiting the rows.
        indexes = [
            models.Index(fields=["term", "rank"], name="candidate_score_term_rank")
        ]

    def __str__(self) -> str:
        return f"{self.term} #{self.rank} in {self.episode}"


class CitationSuppression(models.Model):
    """ "Not this mention": an automatic citation an editor removed stays removed.

    The refresh never brings back a mention of `term` at this span; a
    re-ingest moves the suppression with its words, as it moves citations.
    """

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="suppressions"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="suppressions"
    )
    start_char = models.PositiveIntegerField()
    end_char = models.PositiveIntegerField()
    surface = models.CharField(max_length=200)
    seconds = models.FloatField(help_text="Where it was, to find it again.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "segment", "start_char"],
                name="suppression_once_per_span",
            ),
            models.CheckConstraint(
                condition=Q(end_char__gt=F("start_char")),
                name="suppression_span_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"not {self.term} at {self.segment_id}:{self.start_char}"


class WikipediaArticle(models.Model):
    """What Wikipedia said about a term, with the provenance CC BY-SA asks for.

    Kept beside the editor's own definition, never in place of it; a failed
    lookup is a status with a message, and leaves the last good summary.
    """

    class Status(models.TextChoices):
        FOUND = "found", "Found"
        MISSING = "missing", "No such article"
        DISAMBIGUATION = "disambiguation", "Disambiguation page"
        ERROR = "error", "Lookup failed"

    term = models.OneToOneField(
        Term, on_delete=models.CASCADE, related_name="wikipedia"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    message = models.TextField(blank=True)
    language = models.CharField(max_length=12, default="en")
    title = models.CharField("resolved title", max_length=300, blank=True)
    page_id = models.BigIntegerField(null=True, blank=True)
    revision_id = models.BigIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    previous_summary = models.TextField(blank=True)
    fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the summary was last fetched."
    )
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Wikipedia article"

    def __str__(self) -> str:
        return f"{self.term}: {self.title or self.get_status_display()}"

    @classmethod
    def shown_for(cls, term: Term) -> WikipediaArticle | None:
        """The stored summary readers see, if any (pages and API alike).

        A found article shows; so does the last good summary kept after a
        failed refresh (status "error"). A missing or disambiguation result
        means the article no longer fits the term, so nothing shows.
        """
        try:
            article = term.wikipedia
        except cls.DoesNotExist:
            return None
        if not article.summary.strip() or not article.title:
            return None
        if article.status == cls.Status.FOUND:
            return article
        if article.status == cls.Status.ERROR and article.fetched_at:
            return article
        return None


class GlossaryVersionManager(models.Manager):
    def current(self) -> int:
        return self.filter(pk=1).values_list("version", flat=True).first() or 0

    def bump(self) -> None:
        """Move the version on; a single UPDATE, safe under concurrency."""
        # update() skips auto_now; Last-Modified reads updated_at.
        if not self.filter(pk=1).update(version=F("version") + 1, updated_at=now()):
            self.get_or_create(pk=1, defaults={"version": 1})


class GlossaryVersion(models.Model):
    """One row whose number goes up whenever terms or labels change.

    Every process compares it with the version its linker was built from and
    rebuilds when it moved, so no restart is needed after an edit.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryVersionManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="glossary_version_single_row"
            )
        ]

    def __str__(self) -> str:
        return f"glossary version {self.version}"
