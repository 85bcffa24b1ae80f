"""Policy rules as editors keep them: one row per rule, each with its source.

The views never read these rows directly: ``calculators.rules`` picks the rows
for one case (walking a region's chain up to ``national``) and turns them into
the engine's frozen dataclasses (``calculators.engine.rules``).

Bands
-----
A rule's payment ratio is a list of bands, each from ``lower`` up to ``upper``
(empty: no upper end) paid at ``ratio`` percent. The two kinds of rule count
their bands from different places, because that is how the sources state them:

* reimbursement bands slice the in-policy cost *above the deductible*, so the
  first band starts at 0 (a flat ratio is one band from 0 with no upper end);
* serious-illness bands are stated in amounts of the patient's own yearly
  burden ("13,000-100,000 at 60%"), so the first band starts at the rule's
  (standard) deductible. For groups with a reduced deductible the engine
  starts paying from that lower amount at the first band's ratio.

``validate_bands`` checks a band set without the admin (it is what the admin
inline formset calls too); ``set_bands`` / ``save_with_bands`` save a rule and
its bands together or not at all.

Review and publishing
---------------------
Every rule row goes draft -> in review -> published (``portal.workflow.Publishable``) and is
used from its ``publish_at`` moment on, so next year's figures can be entered, reviewed and
scheduled ahead of time. ``calculators.rules`` only ever reads rows visible at its "rules
moment" (``rules.viewing``).

A draft successor may sit beside the published row it will replace, so the "one rule in force
for the same case" checks (validation and the database's unique constraints) compare a row only
with rows of the *same status*: a published row with the other published rows (whatever their
``publish_at``: once both are live they would both be in force, so publishing a clashing row is
refused), a draft with the other drafts, a row in review with the other rows in review. Natural
keys end with the status for the same reason; ``get_by_natural_key`` takes it as optional and
finds the published row when it is left out (older fixtures and band references).

Check cases
-----------
``CheckCase`` stores a calculator's inputs (a resident's share link, reduced to its query
string) and the answer's expected key figures; ``calculators.checks`` runs them.
"""

import calendar
import datetime
import re
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from calculators.engine import codes
from calculators.engine.rules import SourceRef
from portal.bilingual import BilingualMixin
from portal.workflow import Publishable, PublishableQuerySet, Status

MIN_YEAR, MAX_YEAR = 2000, 2100
# Stands in for an empty ``valid_from`` in unique constraints (NULLs never clash in SQL).
OPEN_START = datetime.date(1900, 1, 1)

year_validators = [
    MinValueValidator(MIN_YEAR, message=_("Enter a year between 2000 and 2100.")),
    MaxValueValidator(MAX_YEAR, message=_("Enter a year between 2000 and 2100.")),
]
money_validators = [MinValueValidator(Decimal("0"), message=_("Enter an amount of 0 or more."))]
percent_validators = [
    MinValueValidator(Decimal("0"), message=_("Enter a percentage between 0 and 100.")),
    MaxValueValidator(Decimal("100"), message=_("Enter a percentage between 0 and 100.")),
]


def money_field(verbose_name, **options):
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=money_validators, **options
    )


def format_amount(value):
    """90000 -> "90,000"; 1234.5 -> "1,234.5": how amounts read in messages."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _natural_date(value):
    """A date in a natural key: ISO text (or None), so keys survive JSON and YAML alike."""
    return value.isoformat() if value else None


def _parse_natural_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _date_or_null(field, value):
    """Filter arguments matching a nullable field exactly, None included."""
    return {f"{field}__isnull": True} if value is None else {field: value}


class RuleQuerySet(PublishableQuerySet):
    """Rule rows, with what readers see at a moment (``visible``) and what a draft check sees."""

    def seen_at(self, at=None, *, include_drafts=False):
        """Rows visible at ``at`` (default: now); with ``include_drafts`` every draft and row in review too.

        Drafts and rows in review are included whatever their ``publish_at``: they are there to try a
        change before it is published. Choosing between a draft and the published row for the same case
        is ``calculators.rules``' business.
        """
        at = at or timezone.now()
        seen = Q(status=Status.PUBLISHED) & (Q(publish_at__isnull=True) | Q(publish_at__lte=at))
        if include_drafts:
            seen |= Q(status__in=[Status.DRAFT, Status.REVIEW])
        return self.filter(seen)


# ---------------------------------------------------------------------------
# Regions and population groups


class RegionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Region(BilingualMixin, models.Model):
    """A pooling area: a city, a province or municipality, or ``national`` (the general rules)."""

    TRANSLATED_FIELDS = ("name",)

    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("Used in links; Latin letters, digits and hyphens.")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent region"),
        help_text=_("Where to look for a rule this region does not set: a city's province, a province's "
                    "national rules. Empty only for the national rules."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.localized("name").text or self.slug

    def natural_key(self):
        return (self.slug,)

    def chain(self):
        """[self, parent, ..., national]: where to look for a rule, nearest first."""
        chain, seen = [], set()
        node = self
        while node is not None and (node.pk is None or node.pk not in seen):
            chain.append(node)
            if node.pk is not None:
                seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A region cannot be its own parent.")})
        if self.pk is not None and any(ancestor.pk == self.pk for ancestor in self.parent.chain()):
            raise ValidationError({"parent": ValidationError(
                _("%(parent)s is already inside %(region)s: choosing it as the parent would make a loop."),
                code="cycle", params={"parent": self.parent.slug, "region": self.slug},
            )})


class PopulationGroupQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PopulationGroup(BilingualMixin, models.Model):
    """Who pays what: ordinary residents, 低保 recipients, people in extreme poverty (特困), ..."""

    TRANSLATED_FIELDS = ("name",)

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Latin letters, digits and hyphens."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PopulationGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("population group")
        verbose_name_plural = _("population groups")

    def __str__(self):
        return self.localized("name").text or self.slug

    def natural_key(self):
        return (self.slug,)


# ---------------------------------------------------------------------------
# Sources


class RuleSource(BilingualMixin, models.Model):
    """Where a rule's figures come from and when an editor last checked them."""

    source_title = models.CharField(
        _("source title"), max_length=300,
        help_text=_("The document or article title as published, in its own language."),
    )
    source_title_zh = models.CharField(
        _("source title in Chinese"), max_length=300, blank=True,
        help_text=_("A translation, where the title is published in another language; readers see it with the "
                    "original beside it."),
    )
    source_title_ru = models.CharField(
        _("source title in Russian"), max_length=300, blank=True,
        help_text=_("A translation of the title for Russian readers, who see the original beside it."),
    )
    source_issuer = models.CharField(
        _("issuer (Chinese)"), max_length=200,
        help_text=_("Who published it, for example a medical insurance bureau; for an unsigned web article "
                    "say so."),
    )
    source_issuer_ru = models.CharField(_("issuer (Russian)"), max_length=200, blank=True)
    source_document_number = models.CharField(
        _("document number"), max_length=100, blank=True,
        help_text=_("The official document number, where there is one."),
    )
    source_url = models.URLField(_("link"), max_length=500, blank=True)
    source_note_zh = models.TextField(
        _("source note (Chinese)"), blank=True,
        help_text=_("For example: third-party article; figures to check. Or which source is followed where "
                    "sources disagree."),
    )
    source_note_ru = models.TextField(_("source note (Russian)"), blank=True)
    is_example = models.BooleanField(
        _("example figure"), default=False,
        help_text=_("The source gives this figure as an example without naming a region (or as true only "
                    "“in some regions”). It is shown only with that caveat, and never used for another "
                    "region's answer."),
    )
    year_assumed = models.BooleanField(
        _("coverage year assumed"), default=False,
        help_text=_("The source does not say which year the figures are for; the coverage year is our "
                    "assumption. Tables and answers say so."),
    )
    checked_on = models.DateField(_("checked on"), help_text=_("When an editor last checked this rule."))

    class Meta:
        abstract = True

    def source_ref(self):
        return SourceRef(
            title=self.source_title,
            issuer=self.source_issuer,
            document_number=self.source_document_number,
            url=self.source_url,
            checked_on=self.checked_on,
            title_zh=self.source_title_zh,
            title_ru=self.source_title_ru,
            issuer_ru=self.source_issuer_ru,
            note_zh=self.source_note_zh,
            note_ru=self.source_note_ru,
            example=self.is_example,
            year_assumed=self.year_assumed,
        )


# ---------------------------------------------------------------------------
# Choices


class Scheme(models.TextChoices):
    RESIDENT = "resident", _("residents' insurance")
    EMPLOYEE = "employee", _("employees' insurance")


class EmployeeStatus(models.TextChoices):
    NONE = "", _("not applicable (residents)")
    WORKING = "working", _("in work")
    RETIRED = "retired", _("retired")


class Visit(models.TextChoices):
    INPATIENT = "inpatient", _("inpatient")
    OUTPATIENT = "outpatient", _("general outpatient")
    CHRONIC = "chronic", _("chronic-disease outpatient")
    SPECIAL = "special", _("special-disease outpatient")


class Level(models.TextChoices):
    GRASSROOTS = "grassroots", _("primary care (community, township)")
    LEVEL1 = "level1", _("level 1 hospital")
    LEVEL2 = "level2", _("level 2 hospital")
    LEVEL3 = "level3", _("level 3 hospital")


LEVEL_ORDER = {value: index for index, value in enumerate(Level.values)}


class DeductiblePer(models.TextChoices):
    ADMISSION = codes.DeductiblePer.ADMISSION, _("per admission")
    YEAR = codes.DeductiblePer.YEAR, _("per year")


class LateCover(models.TextChoices):
    AFTER_WAITING = codes.LateCover.AFTER_WAITING, _("late payers are covered after a waiting period")
    YEAR_START = codes.LateCover.YEAR_START, _("late payers are covered from 1 January")


def validate_coverage_dates(rule):
    """valid_from <= valid_until, both inside the coverage year: a rule out of its year is never picked."""
    errors = {}
    if rule.valid_from and rule.valid_until and rule.valid_from > rule.valid_until:
        errors["valid_until"] = _("The end of validity cannot be earlier than its start.")
    if rule.coverage_year and MIN_YEAR <= rule.coverage_year <= MAX_YEAR:
        for name in ("valid_from", "valid_until"):
            value = getattr(rule, name)
            if value and value.year != rule.coverage_year and name not in errors:
                errors[name] = ValidationError(
                    _("This date must fall within the coverage year %(year)s."),
                    code="outside_year", params={"year": rule.coverage_year},
                )
    if errors:
        raise ValidationError(errors)


def validity_overlaps(queryset, valid_from, valid_until):
    """Rows of ``queryset`` whose validity (empty = open-ended) overlaps [valid_from, valid_until]."""
    if valid_until is not None:
        queryset = queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_until))
    if valid_from is not None:
        queryset = queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    return queryset


def validity_text(valid_from, valid_until):
    if valid_from and valid_until:
        return f"{valid_from.isoformat()} – {valid_until.isoformat()}"
    if valid_from:
        return f"{valid_from.isoformat()} –"
    if valid_until:
        return f"– {valid_until.isoformat()}"
    return "—"


# ---------------------------------------------------------------------------
# Payment windows, waiting periods, contributions


class PaymentWindowQuerySet(RuleQuerySet):
    def for_year(self, coverage_year):
        return self.filter(coverage_year=coverage_year)

    def for_region(self, region):
        return self.filter(region=region)

    def get_by_natural_key(self, region_slug, coverage_year, status=Status.PUBLISHED):
        return self.get(region__slug=region_slug, coverage_year=coverage_year, status=status)


class PaymentWindow(Publishable, RuleSource):
    """When residents pay for a coverage year, and what happens to those who pay late."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="payment_windows", verbose_name=_("region")
    )
    coverage_year = models.PositiveSmallIntegerField(
        _("coverage year"), validators=year_validators, help_text=_("The year the payment covers.")
    )
    start = models.DateField(_("centralized payment starts"))
    end = models.DateField(_("centralized payment ends"))
    late_deadline = models.DateField(
        _("last day for joining late"), null=True, blank=True,
        help_text=_("Only where the region's notice closes enrolment for this coverage year after a date. Leave "
                    "empty when late joining stays possible (with the waiting period of 国办发〔2024〕38号) "
                    "until the year ends."),
    )
    late_cover = models.CharField(
        _("cover for late payers"), max_length=20, choices=LateCover.choices, default=LateCover.AFTER_WAITING
    )

    objects = PaymentWindowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug", "-coverage_year"]
        verbose_name = _("payment window")
        verbose_name_plural = _("payment windows")
        permissions = [("publish_paymentwindow", _("Can publish payment windows"))]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "coverage_year", "status"], name="calculators_paymentwindow_one_per_year",
                violation_error_message=_("This region already has a payment window for this coverage year."),
            ),
        ]

    def __str__(self):
        return f"{self.region_id and self.region.slug} {self.coverage_year}: {self.start} – {self.end}"

    def natural_key(self):
        return (self.region.slug, self.coverage_year, self.status)

    natural_key.dependencies = ["calculators.region"]

    def clean(self):
        super().clean()
        errors = {}
        year_ok = self.coverage_year is not None and MIN_YEAR <= self.coverage_year <= MAX_YEAR
        if self.start and self.end and self.start >= self.end:
            errors["end"] = _("The centralized period must end after it starts.")
        if self.end and self.late_deadline and self.late_deadline <= self.end:
            errors["late_deadline"] = _(
                "The late payment deadline must come after the centralized period ends."
            )
        if year_ok:
            year_end = datetime.date(self.coverage_year, 12, 31)
            if self.end and self.end > year_end and "end" not in errors:
                errors["end"] = ValidationError(
                    _("The centralized period cannot end after the coverage year does (%(date)s)."),
                    code="after_year", params={"date": year_end.isoformat()},
                )
            if self.late_deadline and self.late_deadline > year_end and "late_deadline" not in errors:
                errors["late_deadline"] = ValidationError(
                    _("The late payment deadline cannot be after the coverage year ends (%(date)s)."),
                    code="after_year", params={"date": year_end.isoformat()},
                )
            if self.start and self.start.year < self.coverage_year - 1:
                errors["start"] = ValidationError(
                    _("Payment for coverage year %(year)s cannot start before %(earliest)s."),
                    code="too_early",
                    params={"year": self.coverage_year, "earliest": f"{self.coverage_year - 1}-01-01"},
                )
        if errors:
            raise ValidationError(errors)


class RecurringPaymentWindowQuerySet(RuleQuerySet):
    def get_by_natural_key(self, region_slug, status=Status.PUBLISHED):
        return self.get(region__slug=region_slug, status=status)


def day_in_year(year, month, day):
    """``month``/``day`` in ``year``; 29 February becomes 28 February outside leap years."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class RecurringPaymentWindow(Publishable, RuleSource):
    """The usual payment period, the same every year: what a coverage year without a window of its own uses.

    The national pattern (the seeds: usually 1 September to 31 December of the year before the coverage
    year) gives every coverage year a window; answers based on it say that it is the typical period and
    that the local notice decides. A region's own ``PaymentWindow`` for a year overrides it.
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="recurring_windows", verbose_name=_("region")
    )
    first_year = models.PositiveSmallIntegerField(
        _("from coverage year"), validators=year_validators,
        help_text=_("The first coverage year this pattern describes."),
    )
    start_month = models.PositiveSmallIntegerField(
        _("starts: month"), validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("In the year before the coverage year."),
    )
    start_day = models.PositiveSmallIntegerField(_("starts: day"), validators=[MinValueValidator(1),
                                                                               MaxValueValidator(31)])
    end_month = models.PositiveSmallIntegerField(
        _("ends: month"), validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    end_day = models.PositiveSmallIntegerField(_("ends: day"), validators=[MinValueValidator(1),
                                                                           MaxValueValidator(31)])
    ends_in_coverage_year = models.BooleanField(
        _("ends in the coverage year"), default=False,
        help_text=_("Tick when the period runs into the coverage year itself (for example until 28 February); "
                    "otherwise it ends in the year before."),
    )
    late_cover = models.CharField(
        _("cover for late payers"), max_length=20, choices=LateCover.choices, default=LateCover.AFTER_WAITING
    )

    objects = RecurringPaymentWindowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug"]
        verbose_name = _("usual payment period")
        verbose_name_plural = _("usual payment periods")
        permissions = [("publish_recurringpaymentwindow", _("Can publish usual payment periods"))]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "status"], name="calculators_recurringwindow_one_per_region",
                violation_error_message=_("This region already has a usual payment period."),
            ),
        ]

    def __str__(self):
        return (f"{self.region.slug if self.region_id else '?'}: {self.start_month:02}-{self.start_day:02} – "
                f"{self.end_month:02}-{self.end_day:02}")

    def natural_key(self):
        return (self.region.slug, self.status)

    natural_key.dependencies = ["calculators.region"]

    def dates_for(self, coverage_year):
        """``(start, end)`` of the period for ``coverage_year``."""
        start = day_in_year(coverage_year - 1, self.start_month, self.start_day)
        end = day_in_year(coverage_year if self.ends_in_coverage_year else coverage_year - 1,
                          self.end_month, self.end_day)
        return start, end

    def clean(self):
        super().clean()
        errors = {}
        for prefix in ("start", "end"):
            month, day = getattr(self, f"{prefix}_month"), getattr(self, f"{prefix}_day")
            if month and day and 1 <= month <= 12 and day > calendar.monthrange(2024, month)[1]:
                errors[f"{prefix}_day"] = ValidationError(
                    _("This month has no day %(day)s."), code="no_such_day", params={"day": day})
        if not errors and all((self.start_month, self.start_day, self.end_month, self.end_day)):
            start, end = self.dates_for(2025)
            if end <= start:
                errors["end_month"] = _("The period must end after it starts (tick “ends in the coverage year” "
                                        "for a period that runs into it).")
        if errors:
            raise ValidationError(errors)


class WaitingPolicyQuerySet(RuleQuerySet):
    def get_by_natural_key(self, region_slug, status=Status.PUBLISHED):
        return self.get(region__slug=region_slug, status=status)


class WaitingPolicy(Publishable, RuleSource):
    """How long late or interrupted enrolment waits before benefits start.

    One policy per region and status: the published one, and at most one draft and one in review
    that will replace it.
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="waiting_policies", verbose_name=_("region")
    )
    fixed_months = models.PositiveSmallIntegerField(
        _("fixed waiting period (months)"),
        help_text=_("For everyone who enrols outside the centralized period or after a gap."),
    )
    months_per_gap_year = models.PositiveSmallIntegerField(_("extra months per year without cover"))
    free_gap_years = models.PositiveSmallIntegerField(
        _("years without cover that add nothing"),
        help_text=_("The first this many years of a gap add no extra months."),
    )
    months_removed_per_repaid_year = models.PositiveSmallIntegerField(_("months removed per year paid back"))
    long_gap_years = models.PositiveSmallIntegerField(
        _("a long break is (years or more)"), null=True, blank=True,
        validators=[MinValueValidator(1, message=_("Enter at least 1 year, or leave it empty."))],
        help_text=_("Empty when the rules set no minimum wait for long breaks."),
    )
    long_gap_min_months = models.PositiveSmallIntegerField(
        _("minimum wait after a long break (months)"), null=True, blank=True,
        help_text=_("Fixed plus variable months after paying back are never fewer than this after a long break."),
    )
    exempt_groups = models.ManyToManyField(
        PopulationGroup, blank=True, related_name="+", verbose_name=_("groups without a waiting period")
    )
    newborn_days = models.PositiveSmallIntegerField(
        _("newborns covered from birth if enrolled within (days)"),
        validators=[MaxValueValidator(366, message=_("Enter at most 366 days."))],
    )
    valid_from = models.DateField(_("in force from"))

    objects = WaitingPolicyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug"]
        verbose_name = _("waiting-period policy")
        verbose_name_plural = _("waiting-period policies")
        permissions = [("publish_waitingpolicy", _("Can publish waiting-period policies"))]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "status"], name="calculators_waitingpolicy_one_per_region",
                violation_error_message=_("This region already has a waiting-period policy."),
            ),
        ]

    def __str__(self):
        return f"{self.region_id and self.region.slug}: {self.fixed_months} + {self.months_per_gap_year}/year"

    def natural_key(self):
        return (self.region.slug, self.status)

    natural_key.dependencies = ["calculators.region", "calculators.populationgroup"]

    def clean(self):
        super().clean()
        if (self.long_gap_years is None) != (self.long_gap_min_months is None):
            raise ValidationError({"long_gap_min_months": _(
                "Give both the length of a long break and the minimum wait after it, or leave both empty.")})


class ContributionStandardQuerySet(RuleQuerySet):
    def for_year(self, coverage_year):
        return self.filter(coverage_year=coverage_year)

    def get_by_natural_key(self, region_slug, coverage_year, group_slug, status=Status.PUBLISHED):
        return self.get(region__slug=region_slug, coverage_year=coverage_year, group__slug=group_slug,
                        status=status)


class ContributionStandard(Publishable, RuleSource):
    """One group's yearly contribution: what the person pays and what public funds add."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="contribution_standards", verbose_name=_("region")
    )
    coverage_year = models.PositiveSmallIntegerField(_("coverage year"), validators=year_validators)
    group = models.ForeignKey(
        PopulationGroup, on_delete=models.PROTECT, related_name="contribution_standards",
        verbose_name=_("population group"),
    )
    individual = money_field(_("individual contribution (yuan)"))
    subsidy = money_field(
        _("public subsidy (yuan)"), help_text=_("Where the source says at least, enter that amount and tick "
                                                "the box below.")
    )
    subsidy_is_minimum = models.BooleanField(
        _("the subsidy is a minimum"), default=False,
        help_text=_("The source says “at least”: tables and answers say so too."),
    )
    late_individual = money_field(
        _("individual contribution when joining late (yuan)"), null=True, blank=True,
        help_text=_("What someone joining after the deadline pays, where the source sets it."),
    )

    objects = ContributionStandardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug", "-coverage_year", "group__order"]
        verbose_name = _("contribution standard")
        verbose_name_plural = _("contribution standards")
        permissions = [("publish_contributionstandard", _("Can publish contribution standards"))]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "coverage_year", "group", "status"],
                name="calculators_contribution_one_per_group",
                violation_error_message=_(
                    "This region already has a contribution standard for this group and coverage year."
                ),
            ),
        ]

    def __str__(self):
        region = self.region.slug if self.region_id else "?"
        group = self.group.slug if self.group_id else "?"
        return f"{region} {self.coverage_year} {group}"

    def natural_key(self):
        return (self.region.slug, self.coverage_year, self.group.slug, self.status)

    natural_key.dependencies = ["calculators.region", "calculators.populationgroup"]


# ---------------------------------------------------------------------------
# Bands


class BandSpec(NamedTuple):
    """A band before it is saved: what ``validate_bands`` and ``set_bands`` take."""

    lower: Decimal
    upper: Decimal | None
    ratio: Decimal

    @classmethod
    def of(cls, band):
        """A BandSpec from a (lower, upper, ratio) tuple or anything with those attributes."""
        if isinstance(band, tuple):
            lower, upper, ratio = band
        else:
            lower, upper, ratio = band.lower, band.upper, band.ratio
        return cls(*(None if value is None else Decimal(str(value)) for value in (lower, upper, ratio)))


def validate_bands(bands, *, start=Decimal("0"), start_message=None):
    """Check a band set; raise one ValidationError listing everything to fix.

    ``bands``: objects with ``lower``, ``upper`` (None: no upper end) and ``ratio``, in any order; they
    are numbered 1, 2, ... from the lowest ``lower`` up, as the admin lists them after saving.
    ``start``: where the first band must begin (None: do not check). ``start_message`` replaces the
    default message for a wrong start; it gets ``%(lower)s`` and ``%(start)s``.
    """
    bands = sorted(bands, key=lambda band: Decimal(band.lower) if band.lower is not None else Decimal("-1"))
    if not bands:
        raise ValidationError(
            _("Add at least one band. A single ratio is one band from %(start)s with no upper end."),
            code="no_bands", params={"start": format_amount(start or 0)},
        )
    errors = []
    for number, band in enumerate(bands, 1):
        if band.lower is None:
            errors.append(ValidationError(
                _("Band %(number)s has no lower end: enter where it starts."),
                code="band_no_lower", params={"number": number},
            ))
            continue
        if band.ratio is None or not Decimal("0") <= Decimal(band.ratio) <= Decimal("100"):
            errors.append(ValidationError(
                _("Band %(number)s pays %(ratio)s%%: enter a ratio between 0 and 100."),
                code="band_ratio",
                params={"number": number, "ratio": "?" if band.ratio is None else format_amount(band.ratio)},
            ))
        if band.upper is not None and Decimal(band.lower) >= Decimal(band.upper):
            errors.append(ValidationError(
                _("Band %(number)s starts at %(lower)s and ends at %(upper)s: its upper end must be greater "
                  "than its lower end."),
                code="band_empty",
                params={"number": number, "lower": format_amount(band.lower),
                        "upper": format_amount(band.upper)},
            ))
        if number == 1:
            if start is not None and Decimal(band.lower) != Decimal(start):
                errors.append(ValidationError(
                    start_message or _("Band 1 starts at %(lower)s: the first band must start at %(start)s."),
                    code="band_start",
                    params={"lower": format_amount(band.lower), "start": format_amount(start)},
                ))
            continue
        previous = bands[number - 2]
        if previous.lower is None:
            continue
        if previous.upper is None:
            errors.append(ValidationError(
                _("Band %(previous)s has no upper end, so it must be the last band: give it an upper end "
                  "or remove the bands after it."),
                code="band_open_not_last", params={"previous": number - 1},
            ))
        elif Decimal(band.lower) != Decimal(previous.upper):
            errors.append(ValidationError(
                _("Band %(number)s starts at %(lower)s but band %(previous)s ends at %(upper)s: bands must "
                  "follow each other without gaps or overlaps."),
                code="band_gap",
                params={"number": number, "lower": format_amount(band.lower), "previous": number - 1,
                        "upper": format_amount(previous.upper)},
            ))
    if errors:
        raise ValidationError(errors)


class Band(models.Model):
    """One slice of a rule's amount, paid at ``ratio`` percent. Numbered by ``order`` from 1, lowest first."""

    order = models.PositiveSmallIntegerField(_("order"), default=1)
    lower = money_field(_("from (yuan)"))
    upper = money_field(_("up to (yuan)"), null=True, blank=True, help_text=_("Empty: no upper end."))
    ratio = models.DecimalField(
        _("ratio (%)"), max_digits=5, decimal_places=2, validators=percent_validators,
        help_text=_("Percentage the fund pays within this band."),
    )

    class Meta:
        abstract = True
        ordering = ["order", "lower"]

    def __str__(self):
        upper = format_amount(self.upper) if self.upper is not None else "…"
        return f"{format_amount(self.lower)} – {upper}: {format_amount(self.ratio)}%"

    def spec(self):
        return BandSpec(self.lower, self.upper, self.ratio)


class BandQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        *rule_key, order = key
        rule = self.model._meta.get_field("rule").related_model.objects.get_by_natural_key(*rule_key)
        return self.get(rule=rule, order=order)


class BandedRule(models.Model):
    """What both kinds of banded rule share: checking and saving bands."""

    # Set by subclasses: where the first band must start, and the message when it does not.
    band_start_message = None

    class Meta:
        abstract = True

    def band_start(self):
        return Decimal("0")

    def validate_bands(self, bands):
        """Raise ValidationError if ``bands`` (BandSpec or band rows) are not a valid set for this rule."""
        validate_bands(bands, start=self.band_start(), start_message=self.band_start_message)

    def check_bands(self):
        """Validate the bands as saved."""
        self.validate_bands([band.spec() for band in self.bands.all()])

    def set_bands(self, bands):
        """Replace this (saved) rule's bands with ``bands`` after validating them; all or nothing."""
        specs = [BandSpec.of(band) for band in bands]
        self.validate_bands(specs)
        specs.sort(key=lambda band: band.lower)
        band_model = self.bands.model
        with transaction.atomic(using=self._state.db):
            self.bands.all().delete()
            band_model.objects.bulk_create(
                band_model(rule=self, order=number, lower=spec.lower, upper=spec.upper, ratio=spec.ratio)
                for number, spec in enumerate(specs, 1)
            )

    def save_with_bands(self, bands):
        """Validate the rule and its bands, then save both in one transaction, or neither."""
        specs = [BandSpec.of(band) for band in bands]
        errors = {}
        try:
            self.full_clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.validate_bands(specs)
        except ValidationError as error:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        with transaction.atomic(using=self._state.db):
            self.save()
            self.set_bands(specs)

    def renumber_bands(self):
        """Number the saved bands 1, 2, ... from the lowest up (two passes, so ``order`` never clashes)."""
        bands = list(self.bands.order_by("lower", "pk"))
        if [band.order for band in bands] == list(range(1, len(bands) + 1)):
            return
        band_model = self.bands.model
        with transaction.atomic(using=self._state.db):
            for number, band in enumerate(bands, 1):
                band_model.objects.filter(pk=band.pk).update(order=20000 + number)
            for number, band in enumerate(bands, 1):
                band_model.objects.filter(pk=band.pk).update(order=number)


# ---------------------------------------------------------------------------
# Reimbursement by the basic fund


class ReimbursementRuleQuerySet(RuleQuerySet):
    def for_year(self, coverage_year):
        return self.filter(coverage_year=coverage_year)

    def in_force_on(self, day):
        """Rules for ``day``'s coverage year whose validity (empty = open) contains ``day``."""
        return self.filter(
            Q(coverage_year=day.year),
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def for_case(self, *, scheme, employee_status="", tier=None, visit, level):
        return self.filter(scheme=scheme, employee_status=employee_status or "", visit=visit, level=level,
                           **_date_or_null("tier", tier))

    def get_by_natural_key(self, region_slug, coverage_year, scheme, employee_status, tier, visit, level,
                           valid_from, status=Status.PUBLISHED):
        return self.get(
            region__slug=region_slug, coverage_year=coverage_year, scheme=scheme,
            employee_status=employee_status or "", visit=visit, level=level, status=status,
            **_date_or_null("tier", tier), **_date_or_null("valid_from", _parse_natural_date(valid_from)),
        )


class ReimbursementRule(BandedRule, Publishable, RuleSource):
    """What the basic fund pays for one kind of visit at one facility level.

    A rule with no tier applies to every contribution tier; where a region sets per-tier rules, a rule
    for the asked tier wins over one without a tier.
    """

    band_start_message = _(
        "Band 1 starts at %(lower)s: the first band must start at 0, because bands slice the cost above "
        "the deductible."
    )

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="reimbursement_rules", verbose_name=_("region")
    )
    coverage_year = models.PositiveSmallIntegerField(_("coverage year"), validators=year_validators)
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices, default=Scheme.RESIDENT)
    employee_status = models.CharField(
        _("employee status"), max_length=20, choices=EmployeeStatus.choices, blank=True, default="",
        help_text=_("Only for employees' insurance; leave empty for residents."),
    )
    tier = models.PositiveSmallIntegerField(
        _("contribution tier"), null=True, blank=True,
        validators=[MinValueValidator(1, message=_("Enter a tier from 1 to 3.")),
                    MaxValueValidator(3, message=_("Enter a tier from 1 to 3."))],
        help_text=_("Residents' contribution tier (1-3); leave empty when the rule applies to every tier."),
    )
    visit = models.CharField(_("kind of care"), max_length=20, choices=Visit.choices)
    level = models.CharField(_("facility level"), max_length=20, choices=Level.choices)
    deductible = money_field(_("deductible (yuan)"), default=Decimal("0"))
    deductible_per = models.CharField(
        _("deductible applies"), max_length=20, choices=DeductiblePer.choices, default=DeductiblePer.ADMISSION
    )
    annual_limit = money_field(
        _("annual limit (yuan)"), null=True, blank=True,
        help_text=_("Most the fund pays in a year for this kind of care; empty when the source sets none."),
    )
    signed_bonus = models.DecimalField(
        _("bonus when signed with a primary institution (points)"), max_digits=5, decimal_places=2,
        default=Decimal("0"), validators=percent_validators,
        help_text=_("Percentage points added for a patient who signed with (or chose) a primary institution or "
                    "family doctor. 0: no bonus."),
    )
    mountain_bonus = models.DecimalField(
        _("bonus instead, at a mountain-area township health centre (points)"), max_digits=5, decimal_places=2,
        default=Decimal("0"), validators=percent_validators,
        help_text=_("For signed patients treated at a mountain-area township health centre, instead of the bonus "
                    "above (not on top of it). 0: the bonus above applies there too. No bonus without signing."),
    )
    supplementary_above_limit = models.BooleanField(
        _("supplementary insurance pays above the limit"), default=False,
        help_text=_("Above the annual limit, supplementary large-amount insurance (大额补充) pays. The calculators "
                    "say so and do not calculate that part."),
    )
    deductible_per_assumed = models.BooleanField(
        _("“per admission / per year” assumed"), default=False,
        help_text=_("The source does not say whether the deductible is per admission or per year; tables and "
                    "answers say that this is our assumption."),
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: from the start of the coverage year.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: to the end of the coverage year.")
    )

    objects = ReimbursementRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug", "-coverage_year", "scheme", "employee_status", "visit",
                    "tier", "level", "valid_from"]
        verbose_name = _("reimbursement rule")
        verbose_name_plural = _("reimbursement rules")
        permissions = [("publish_reimbursementrule", _("Can publish reimbursement rules"))]
        constraints = [
            models.UniqueConstraint(
                F("region"), F("coverage_year"), F("scheme"), F("employee_status"),
                Coalesce("tier", Value(0)), F("visit"), F("level"), Coalesce("valid_from", Value(OPEN_START)),
                F("status"),
                name="calculators_reimbursementrule_natural_key",
                violation_error_message=_("A rule for this case starting on the same date already exists."),
            ),
        ]

    def __str__(self):
        parts = [self.region.slug if self.region_id else "?", str(self.coverage_year), self.scheme]
        if self.employee_status:
            parts.append(self.employee_status)
        if self.tier:
            parts.append(f"tier {self.tier}")
        parts += [self.visit, self.level]
        if self.valid_from or self.valid_until:
            parts.append(validity_text(self.valid_from, self.valid_until))
        return " · ".join(parts)

    def natural_key(self):
        return (self.region.slug, self.coverage_year, self.scheme, self.employee_status, self.tier,
                self.visit, self.level, _natural_date(self.valid_from), self.status)

    natural_key.dependencies = ["calculators.region"]

    def clean(self):
        super().clean()
        errors = {}
        if self.scheme == Scheme.RESIDENT and self.employee_status:
            errors["employee_status"] = _("Residents' insurance has no employee status: leave it empty.")
        if self.scheme == Scheme.EMPLOYEE:
            if not self.employee_status:
                errors["employee_status"] = _("Choose whether the rule is for employees in work or retired.")
            if self.tier is not None:
                errors["tier"] = _("Tiers are residents' contribution tiers: leave it empty for employees.")
        if errors:
            raise ValidationError(errors)
        validate_coverage_dates(self)
        self.refuse_overlaps()

    def refuse_overlaps(self):
        """No two rules in force at once for the same case, among the rows of this row's status.

        A published row is compared with the other published rows (publishing a successor that would be
        in force beside the rule it replaces is refused: shorten the old rule's validity first); a draft
        or a row in review only with the other drafts or rows in review, so a draft change can be prepared
        while the rule it changes is still in force.
        """
        if self.region_id is None or not self.coverage_year or not self.visit or not self.level:
            return
        clashes = validity_overlaps(
            ReimbursementRule.objects.filter(region_id=self.region_id, coverage_year=self.coverage_year,
                                             status=self.status)
            .for_case(scheme=self.scheme, employee_status=self.employee_status, tier=self.tier,
                      visit=self.visit, level=self.level)
            .exclude(pk=self.pk),
            self.valid_from, self.valid_until,
        )
        clash = clashes.first()
        if clash is not None:
            raise ValidationError(
                _("Another rule for this case is already in force on some of these dates (%(other)s, valid "
                  "%(validity)s): change the validity dates so they do not overlap, or edit that rule."),
                code="overlap", params={"other": str(clash), "validity": validity_text(clash.valid_from,
                                                                                         clash.valid_until)},
            )


class ReimbursementBandQuerySet(BandQuerySet):
    pass


class ReimbursementBand(Band):
    rule = models.ForeignKey(
        ReimbursementRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule")
    )

    objects = ReimbursementBandQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Band.Meta):
        verbose_name = _("reimbursement band")
        verbose_name_plural = _("reimbursement bands")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "order"], name="calculators_reimbursementband_order",
                violation_error_message=_("Two bands of one rule cannot share a number."),
            ),
        ]

    def natural_key(self):
        return (*self.rule.natural_key(), self.order)

    natural_key.dependencies = ["calculators.reimbursementrule"]


# ---------------------------------------------------------------------------
# Serious-illness insurance


class SeriousIllnessRuleQuerySet(RuleQuerySet):
    def for_year(self, coverage_year):
        return self.filter(coverage_year=coverage_year)

    def in_force_on(self, day):
        return self.filter(
            Q(coverage_year=day.year),
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def get_by_natural_key(self, region_slug, coverage_year, valid_from, status=Status.PUBLISHED):
        return self.get(region__slug=region_slug, coverage_year=coverage_year, status=status,
                        **_date_or_null("valid_from", _parse_natural_date(valid_from)))


class SeriousIllnessRule(BandedRule, Publishable, RuleSource):
    """Serious-illness insurance: pays bands of the patient's own yearly burden above a deductible.

    Bands are stated in amounts of that burden, as the sources do: the first band starts at
    ``deductible``.
    """

    band_start_message = _(
        "Band 1 starts at %(lower)s: the first band must start at the deductible, %(start)s, because "
        "serious-illness bands are amounts of the patient's own yearly burden."
    )

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="serious_illness_rules", verbose_name=_("region")
    )
    coverage_year = models.PositiveSmallIntegerField(_("coverage year"), validators=year_validators)
    deductible = money_field(_("yearly deductible (yuan)"))
    reduced_deductible = money_field(
        _("reduced deductible (yuan)"), null=True, blank=True,
        help_text=_("For the groups chosen below, for example people in extreme poverty."),
    )
    reduced_groups = models.ManyToManyField(
        PopulationGroup, blank=True, related_name="+", verbose_name=_("groups with the reduced deductible")
    )
    annual_cap = money_field(
        _("annual cap (yuan)"), null=True, blank=True, help_text=_("Empty when the source sets none.")
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: from the start of the coverage year.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: to the end of the coverage year.")
    )

    objects = SeriousIllnessRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__order", "region__slug", "-coverage_year", "valid_from"]
        verbose_name = _("serious-illness rule")
        verbose_name_plural = _("serious-illness rules")
        permissions = [("publish_seriousillnessrule", _("Can publish serious-illness rules"))]
        constraints = [
            models.UniqueConstraint(
                F("region"), F("coverage_year"), Coalesce("valid_from", Value(OPEN_START)), F("status"),
                name="calculators_seriousillnessrule_natural_key",
                violation_error_message=_(
                    "A serious-illness rule for this region and year starting on the same date already "
                    "exists."
                ),
            ),
        ]

    def __str__(self):
        text = f"{self.region.slug if self.region_id else '?'} · {self.coverage_year}"
        if self.valid_from or self.valid_until:
            text += f" · {validity_text(self.valid_from, self.valid_until)}"
        return text

    def natural_key(self):
        return (self.region.slug, self.coverage_year, _natural_date(self.valid_from), self.status)

    natural_key.dependencies = ["calculators.region", "calculators.populationgroup"]

    def band_start(self):
        return self.deductible

    def clean(self):
        super().clean()
        if (self.reduced_deductible is not None and self.deductible is not None
                and self.reduced_deductible >= self.deductible):
            raise ValidationError({"reduced_deductible": _("The reduced deductible must be lower than the "
                                                           "standard deductible.")})
        validate_coverage_dates(self)
        self.refuse_overlaps()

    def refuse_overlaps(self):
        """As ``ReimbursementRule.refuse_overlaps``: only rows of the same status are compared."""
        if self.region_id is None or not self.coverage_year:
            return
        clash = validity_overlaps(
            SeriousIllnessRule.objects.filter(region_id=self.region_id, coverage_year=self.coverage_year,
                                              status=self.status)
            .exclude(pk=self.pk),
            self.valid_from, self.valid_until,
        ).first()
        if clash is not None:
            raise ValidationError(
                _("Another serious-illness rule for this region is already in force on some of these "
                  "dates (%(other)s, valid %(validity)s): change the validity dates so they do not "
                  "overlap, or edit that rule."),
                code="overlap", params={"other": str(clash), "validity": validity_text(clash.valid_from,
                                                                                         clash.valid_until)},
            )


class SeriousIllnessBandQuerySet(BandQuerySet):
    pass


class SeriousIllnessBand(Band):
    rule = models.ForeignKey(
        SeriousIllnessRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule")
    )

    objects = SeriousIllnessBandQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Band.Meta):
        verbose_name = _("serious-illness band")
        verbose_name_plural = _("serious-illness bands")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "order"], name="calculators_seriousillnessband_order",
                violation_error_message=_("Two bands of one rule cannot share a number."),
            ),
        ]

    def natural_key(self):
        return (*self.rule.natural_key(), self.order)

    natural_key.dependencies = ["calculators.seriousillnessrule"]


# ---------------------------------------------------------------------------
# Check cases


class Calculator(models.TextChoices):
    REIMBURSEMENT = "reimbursement", _("reimbursement")
    DEADLINE = "deadline", _("payment deadline and cover start")
    CONTRIBUTION = "contribution", _("household contribution")


# The figures of each calculator's JSON answer (calculators/serializers.py) a check case can expect.
ANSWER_KEYS = {
    Calculator.REIMBURSEMENT: ("cost", "fund_pays", "serious_illness_pays", "you_pay"),
    Calculator.DEADLINE: ("status", "window_start", "window_end", "late_deadline", "late_until", "typical_window",
                          "days_left",
                          "days_until_open", "amount_due", "waiting_months", "cover_starts", "cover_ends"),
    Calculator.CONTRIBUTION: ("total_individual", "total_subsidy", "lines"),
}
COMMON_ANSWER_KEYS = ("region_asked", "region_used", "rules_as_of", "coverage_year", "rules_year",
                      "rules_checked_on", "sources", "notes",
                      "steps")
# ``{"errors": ["date"]}``: the answer is refused with a message on these fields.
ERRORS_KEY = "errors"
# Query parameters a check case does not keep: a staff preview's date is chosen when the cases run.
IGNORED_PARAMETERS = ("as_of",)

_CALCULATOR_PATH = re.compile(r"/calculators/(?P<name>[a-z]+)(?:/(?:reminder\.ics)?)?$")


def split_share_link(text):
    """A share link (or just its query string) -> ``(calculator named in the path or None, query string)``.

    ``https://host/ru/calculators/reimbursement/?region=x&cost=1``
    -> ``("reimbursement", "region=x&cost=1")``;
    ``?region=x`` and ``region=x`` -> ``(None, "region=x")``. A link to a page that is no calculator gives
    ``("", query)``. ``as_of`` is dropped (see ``IGNORED_PARAMETERS``).
    """
    text = (text or "").strip()
    calculator = None
    if "://" in text or text.startswith("/"):
        parts = urlsplit(text)
        match = _CALCULATOR_PATH.search(parts.path)
        calculator = match["name"] if match and match["name"] in Calculator.values else ""
        query = parts.query
    else:
        query = text.split("#", 1)[0].removeprefix("?")
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True)
             if key not in IGNORED_PARAMETERS]
    return calculator, urlencode(pairs)


class CheckCaseQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class CheckCase(models.Model):
    """A calculator question with its known answer: run against the rules in force and against drafts."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    calculator = models.CharField(_("calculator"), max_length=20, choices=Calculator.choices)
    inputs = models.TextField(
        _("inputs"),
        help_text=_("Paste the link to the answer (the share link under the calculator) or just its query "
                    "string, for example region=zhejiang-lishui&cost=50000&date=2025-06-01."),
    )
    expected = models.JSONField(
        _("expected answer"), default=dict,
        help_text=_('The key figures as the JSON answer gives them, for example {"fund_pays": "34300.00"}. '
                    'Money has two decimals, dates are YYYY-MM-DD. {"errors": ["date"]} expects the answer '
                    "to be refused with a message on those fields."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Where the example comes from."))
    checked_on = models.DateField(
        _("checked on"), null=True, blank=True,
        help_text=_("When an editor last checked the expected answer."),
    )

    objects = CheckCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["calculator", "name"]
        verbose_name = _("check case")
        verbose_name_plural = _("check cases")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def clean(self):
        super().clean()
        errors = {}
        linked, query = split_share_link(self.inputs)
        if linked == "":
            errors["inputs"] = ValidationError(
                _("This link is not a calculator link. Open the calculator, get the answer, and paste the "
                  "link under it."), code="not_calculator")
        elif linked and self.calculator and linked != self.calculator:
            errors["inputs"] = ValidationError(
                _("This link is for the %(linked)s calculator, but this check case is for the "
                  "%(calculator)s calculator. Paste a link from the %(calculator)s calculator or choose the "
                  "other calculator."),
                code="other_calculator",
                params={"linked": Calculator(linked).label, "calculator": Calculator(self.calculator).label},
            )
        elif not query:
            errors["inputs"] = ValidationError(
                _("Give the calculator's answers: paste the link to the answer or its query string."),
                code="no_inputs")
        else:
            self.inputs = query
        expected_error = self.expected_error()
        if expected_error:
            errors["expected"] = expected_error
        if errors:
            raise ValidationError(errors)

    def expected_error(self):
        if not isinstance(self.expected, dict) or not self.expected:
            return ValidationError(
                _('Enter the expected figures as a JSON object, for example {"fund_pays": "34300.00"}.'),
                code="not_object")
        known = {*ANSWER_KEYS.get(self.calculator, ()), *COMMON_ANSWER_KEYS, ERRORS_KEY}
        unknown = sorted(set(self.expected) - known)
        if self.calculator and unknown:
            return ValidationError(
                _("The answer of this calculator has no %(keys)s. It has: %(known)s."), code="unknown_key",
                params={"keys": ", ".join(unknown), "known": ", ".join(ANSWER_KEYS[self.calculator])},
            )
        return None
