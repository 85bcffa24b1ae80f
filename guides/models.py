import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bilingual import BilingualMixin, LocalizedText, current_language, script_language
from core.named import Named, SlugQuerySet
from core.dates import CHINA
from core.workflow import Publishable, PublishableQuerySet, Status, first_scheduled_after

# Derived on save from the texts, so history (which records what editors wrote) leaves them out.
DERIVED_SEARCH_FIELDS = ["search_title_zh", "search_title_ru", "snippet_zh", "snippet_ru"]
GUIDE_RENDERED_FIELDS = ["body_html_zh", "body_html_ru", "headings_zh", "headings_ru"]


class TopicQuerySet(SlugQuerySet):
    def with_published_guides(self, first=None):
        """Each topic with ``published_guides`` (its first ``first`` only, when given: one query whatever their
        number) and ``guide_count``, how many it has in all."""
        guides = Guide.objects.published()
        counts = models.Subquery(
            guides.filter(topic=models.OuterRef("pk")).order_by().values("topic")
            .annotate(n=models.Count("pk")).values("n")
        )
        listed = guides.only("slug", "title_zh", "title_ru", "summary_zh", "summary_ru", "topic", "order")
        return self.annotate(guide_count=Coalesce(counts, 0)).prefetch_related(
            models.Prefetch("guides", queryset=listed[:first] if first else listed, to_attr="published_guides")
        )

    def with_published_faqs(self):
        return self.prefetch_related(
            models.Prefetch("faqs", queryset=FAQ.objects.published(), to_attr="published_faqs")
        )


class Topic(Named):
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    description_ru = models.CharField(_("description (Russian)"), max_length=300, blank=True)

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Revisable(BilingualMixin, Publishable):
    """What guides and FAQs share: a topic, revisions that wait beside the live version, and the search text
    and snippets derived from the texts on every save (``guides.search``; history leaves them out)."""

    # Never copied between a revision and its live version: who it is, where it stands, what is derived.
    NOT_REVISED = {"id", "slug", "status", "publish_at", "revision_of", "version", *DERIVED_SEARCH_FIELDS,
                   "search_zh", "search_ru"}

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("topic"))
    updated_on = models.DateField(_("last updated"), default=timezone.localdate)
    revision_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="revisions", editable=False,
        verbose_name=_("revision of"),
        help_text=_("A revision waits beside the live version and replaces it once it is published."),
    )
    # Filled on every save, fixture loads included (see guides.search): the searchable form of what a
    # reader of each language sees (title and all text; the title alone) and the plain text snippets come from.
    search_zh = models.TextField(editable=False, blank=True, default="")
    search_ru = models.TextField(editable=False, blank=True, default="")
    search_title_zh = models.TextField(editable=False, blank=True, default="")
    search_title_ru = models.TextField(editable=False, blank=True, default="")
    snippet_zh = models.TextField(editable=False, blank=True, default="")
    snippet_ru = models.TextField(editable=False, blank=True, default="")

    class Meta(Publishable.Meta):
        abstract = True

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def revised_fields(cls):
        """The fields a revision copies from its live version and gives back to it: every stored field that is
        not identity, workflow or derived, so a field added to the model is carried without a change here."""
        return [field.name for field in cls._meta.concrete_fields if field.name not in cls.NOT_REVISED]

    def values_for_revision(self):
        """What a new revision of this live row starts with."""
        return {name: getattr(self, name) for name in self.revised_fields()}

    def copy_parts_to(self, revision):
        """Copy rows that belong to this one (a guide's sources) to a new revision."""

    def take_parts_from(self, revision):
        """Take over the rows that belong to a revision being applied."""


def next_visible_moment(at):
    """When what readers see of guides and questions next changes by itself (None: nothing is due): the first
    scheduled publication, or midnight in China of the first day a guide dated in the future goes live."""
    moments = [first_scheduled_after(at)]
    day = Guide.objects.filter(status=Status.PUBLISHED, published_on__gt=timezone.localdate(at)) \
        .aggregate(first=models.Min("published_on"))["first"]
    if day is not None:
        moments.append(datetime.datetime.combine(day, datetime.time.min, tzinfo=CHINA))
    return min((moment for moment in moments if moment is not None), default=None)


class GuideQuerySet(PublishableQuerySet):
    def published(self, at=None):
        """What readers see at ``at`` (default now): published, live, and not dated in the future."""
        at = at or timezone.now()
        return self.visible(at).filter(revision_of__isnull=True, published_on__lte=timezone.localdate(at))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Guide(Revisable):
    Status = Status
    TRANSLATED_FIELDS = ("title", "summary", "body")

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in links; Latin letters, digits and hyphens."))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    body_zh = models.TextField(_("body (Chinese, Markdown)"), blank=True)
    body_ru = models.TextField(_("body (Russian, Markdown)"), blank=True)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    policy_year = models.PositiveSmallIntegerField(
        _("year the text describes"), null=True, blank=True,
        help_text=_("Only when the text itself states one year's figures. Leave empty when the figures come from "
                    "the live tables: readers then see the coverage year of the current rules."),
    )
    order = models.PositiveSmallIntegerField(_("order within topic"), default=0)
    is_major_change = models.BooleanField(
        _("major change"), default=False,
        help_text=_("Tick when the change matters to readers (a new rule, figure or step). Readers see its note."),
    )
    change_note_zh = models.CharField(_("change note (Chinese)"), max_length=300, blank=True)
    change_note_ru = models.CharField(_("change note (Russian)"), max_length=300, blank=True)

    # The body as HTML and its headings, rendered on save (see guides.prerender); live tables are filled in
    # when shown.
    body_html_zh = models.TextField(editable=False, blank=True, default="")
    body_html_ru = models.TextField(editable=False, blank=True, default="")
    headings_zh = models.JSONField(editable=False, blank=True, default=list)
    headings_ru = models.JSONField(editable=False, blank=True, default=list)

    # The publication date stays the live guide's own.
    NOT_REVISED = Revisable.NOT_REVISED | {"published_on", *GUIDE_RENDERED_FIELDS}

    objects = GuideQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*DERIVED_SEARCH_FIELDS, *GUIDE_RENDERED_FIELDS])

    class Meta(Revisable.Meta):
        ordering = ["topic__order", "order", "slug"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self):
        return self.localized("title").text or self.slug

    def get_absolute_url(self):
        return reverse("guides:detail", args=[self.slug])

    def values_for_revision(self):
        # A revision starts without a change note: the note says what the revision itself changes.
        return {**super().values_for_revision(), "published_on": self.published_on, "is_major_change": False,
                "change_note_zh": "", "change_note_ru": ""}

    def copy_parts_to(self, revision):
        for source in self.sources.all():
            source.pk, source.guide = None, revision
            source.save()

    def take_parts_from(self, revision):
        self.sources.all().delete()
        revision.sources.update(guide=self)

    def public_change_notes(self, at=None, records=None):
        """Notes of major changes readers can already see, newest first, each dated when it went live.

        A note is written with the change (often while in review) and goes public with the next
        publication that is live at ``at``; notes repeated across saves are listed once. ``records``:
        the history oldest first, when the caller has it already.
        """
        at = at or timezone.now()
        notes, pending = [], []
        if records is None:
            records = self.history.order_by("history_date", "history_id")
        for record in records:
            if record.is_major_change and (record.change_note_zh or record.change_note_ru):
                key = (record.change_note_zh, record.change_note_ru)
                if key not in pending and all((n.note_zh, n.note_ru) != key for n in notes):
                    pending.append(key)
            if record.status == Status.PUBLISHED and pending:
                live_from = max(record.history_date, record.publish_at or record.history_date)
                if live_from <= at:
                    notes.extend(ChangeNote(live_from, zh, ru) for zh, ru in pending)
                    pending = []
        return sorted(notes, key=lambda note: note.date, reverse=True)

    def clean(self):
        if self.policy_year is not None and not 2000 <= self.policy_year <= 2100:
            raise ValidationError({"policy_year": _("Enter a year between 2000 and 2100.")})
        if self.is_major_change and not (self.change_note_zh.strip() or self.change_note_ru.strip()):
            raise ValidationError({"change_note_zh": _(
                "A major change needs a short note for readers saying what changed (in Chinese, Russian or both)."
            )})
        if self.published_on and self.updated_on and self.updated_on < self.published_on:
            raise ValidationError({"updated_on": _("The last update cannot be earlier than the publication date.")})


@dataclass(frozen=True)
class ChangeNote(BilingualMixin):
    date: object
    note_zh: str
    note_ru: str


class GuideSourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, guide_slug, order):
        return self.get(guide__slug=guide_slug, order=order)


class GuideSource(BilingualMixin, models.Model):
    """A document or article a guide draws on: its original title as published, and that title and its
    issuer in both languages, so each reader gets their own language with the original beside it."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sources", verbose_name=_("guide"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(
        _("original title (as published)"), max_length=300,
        help_text=_("Exactly as the document or article was published, in its own language."),
    )
    title_zh = models.CharField(
        _("title in Chinese"), max_length=300, blank=True,
        help_text=_("Leave empty when the original title is Chinese: it is copied from the original."),
    )
    title_ru = models.CharField(
        _("title in Russian"), max_length=300, blank=True,
        help_text=_("Leave empty when the original title is Russian: it is copied from the original."),
    )
    issuer_zh = models.CharField(_("issuer (Chinese)"), max_length=200)
    issuer_ru = models.CharField(_("issuer (Russian)"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    url = models.URLField(_("link"), blank=True)
    note_zh = models.TextField(
        _("source note (Chinese)"), blank=True,
        help_text=_("For example where sources disagree and which one the guide follows."),
    )
    note_ru = models.TextField(_("source note (Russian)"), blank=True)

    objects = GuideSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        unique_together = [("guide", "order")]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.guide.slug, self.order)

    @property
    def title_lang(self):
        """The title is quoted as published, in whatever language that was."""
        return script_language(self.title)

    @property
    def reader_title(self):
        """The title in the reader's language; the original where no translation was entered."""
        title = self.localized("title")
        if title.text.strip():
            return title
        language = current_language()
        original = {"zh-Hans": "zh-hans", "ru": "ru"}.get(self.title_lang, language)
        return LocalizedText(self.title, original, original != language)

    @property
    def shows_original(self):
        """Whether the reader's title is a translation, so the original is shown beside it."""
        return self.reader_title.text.strip() != self.title.strip()

    def clean(self):
        # A title published in Chinese (or Russian) is its own Chinese (or Russian) title.
        original = script_language(self.title)
        if not self.title_zh.strip() and original == "zh-Hans":
            self.title_zh = self.title
        if not self.title_ru.strip() and original == "ru":
            self.title_ru = self.title
        missing = {
            name: _("Give the title in this language too; readers of this language see it, with the original beside it.")
            for name in ("title_zh", "title_ru") if not getattr(self, name).strip()
        }
        if missing:
            raise ValidationError(missing)

    natural_key.dependencies = ["guides.guide"]


class FAQQuerySet(PublishableQuerySet):
    def published(self, at=None):
        return self.visible(at).filter(revision_of__isnull=True)

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class FAQ(Revisable):
    TRANSLATED_FIELDS = ("question", "answer")

    slug = models.SlugField(_("slug"), unique=True, help_text=_("The question's anchor on the FAQ page."))
    question_zh = models.CharField(_("question (Chinese)"), max_length=300)
    question_ru = models.CharField(_("question (Russian)"), max_length=300, blank=True)
    answer_zh = models.TextField(_("answer (Chinese, Markdown)"), blank=True)
    answer_ru = models.TextField(_("answer (Russian, Markdown)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The answer as HTML, rendered on save (see guides.prerender); live tables are filled in when shown.
    answer_html_zh = models.TextField(editable=False, blank=True, default="")
    answer_html_ru = models.TextField(editable=False, blank=True, default="")

    NOT_REVISED = Revisable.NOT_REVISED | {"answer_html_zh", "answer_html_ru"}

    objects = FAQQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*DERIVED_SEARCH_FIELDS, "answer_html_zh", "answer_html_ru"])

    class Meta(Revisable.Meta):
        ordering = ["topic__order", "order", "slug"]
        # A topic's page counts its published questions and reads one page of them in order: through this
        # index, not a scan of every question's wide row (answers in both languages).
        indexes = [models.Index(fields=["topic", "order", "slug", "publish_at"],
                                condition=models.Q(revision_of__isnull=True, status=Status.PUBLISHED),
                                name="faq_published_in_topic")]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self):
        return self.localized("question").text or self.slug

    @property
    def anchor(self):
        return f"q-{self.slug}"

    def get_absolute_url(self):
        return reverse("guides:faq") + f"#{self.anchor}"


class SynonymQuerySet(models.QuerySet):
    def get_by_natural_key(self, term, same_as):
        return self.get(term=term, same_as=same_as)


class Synonym(models.Model):
    """Two ways of saying one thing: a search for the first also finds pages that use the second, and
    (``both_ways``) the other way round.

    Pairs that go both ways join up: with 交费 = 缴费 and 缴费 = 交钱, each of the three finds the others.
    Applied when a query is read, so a change works on the next search without touching any page.
    """

    term = models.CharField(
        _("word or phrase readers type"), max_length=100,
        help_text=_("For example 交费 or ВНЖ. Case and ё do not matter; Russian word endings do not matter."),
    )
    same_as = models.CharField(
        _("means the same as"), max_length=100,
        help_text=_("Usually the wording our pages use, for example 缴费 or «разрешение на пребывание»."),
    )
    both_ways = models.BooleanField(
        _("also the other way round"), default=True,
        help_text=_("Untick when a search for the second side must not find the first: ВНЖ finds "
                    "«разрешение на пребывание», but that wording must not find pages about 居住证."),
    )
    note = models.CharField(
        _("note for editors"), max_length=300, blank=True,
        help_text=_("Why these mean the same here, or when they do not (for example 医保卡 and 社保卡)."),
    )

    objects = SynonymQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["same_as", "term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [models.UniqueConstraint(fields=["term", "same_as"], name="unique_search_synonym")]

    def __str__(self):
        return f"{self.term} {'=' if self.both_ways else '→'} {self.same_as}"

    def natural_key(self):
        return (self.term, self.same_as)

    def clean(self):
        from guides.search_text import index_text

        self.term, self.same_as = self.term.strip(), self.same_as.strip()
        errors = {}
        for name in ("term", "same_as"):
            if getattr(self, name) and not index_text(getattr(self, name)).strip():
                errors[name] = _("Enter a word: letters, Chinese characters or digits, not only punctuation.")
        if errors:
            raise ValidationError(errors)
        if self.term and self.same_as and index_text(self.term) == index_text(self.same_as):
            raise ValidationError({"same_as": _("Both sides are the same word: enter a different word here.")})
        if Synonym.objects.exclude(pk=self.pk).filter(term=self.same_as, same_as=self.term).exists():
            raise ValidationError({"same_as": _("This pair is already in the list the other way round.")})


# Reader feedback: "Was this page useful?" (guides.feedback takes the answers in).
COMMENT_MAX_LENGTH = 1000
PAGE_MAX_LENGTH = 200


class Feedback(models.Model):
    class PageKind(models.TextChoices):
        GUIDE = "guide", _("guide")
        FAQ = "faq", _("questions and answers")
        CALCULATOR = "calculator", _("calculator")

    # Deliberately no IP address, user agent, user or session: feedback is anonymous.
    page = models.CharField(_("page"), max_length=PAGE_MAX_LENGTH, db_index=True,
                            help_text=_("The page's address on this site, without the query string."))
    page_kind = models.CharField(_("kind of page"), max_length=20, choices=PageKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, db_index=True)
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")

    def __str__(self):
        return f"{self.page} · {'+' if self.useful else '−'}"
