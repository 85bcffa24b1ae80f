"""Policy rules as editors keep them: one row per rule, each with its source.

``calculators.rules`` reads these rows for one case and turns them into the engine's dataclasses; what
every rule shares is in ``calculators.rule_base``, bands in ``calculators.bands``. A draft successor may sit
beside the published row it will replace, so "one rule for the same case" (validation, unique constraints,
natural keys) is per status. ``CheckCase``: a calculator question with its known answer
(``calculators.checks``).
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from calculators.bands import Band, BandedRule
from calculators.check_links import validate_case
from calculators.choices import (
    Calculator, ChannelKind, DeductiblePer, EmployeeStatus, LateCover, Level, Scheme, Visit,
)
from calculators.rule_base import (
    OPEN_START,
    Rule,
    Validity,
    money_field,
    percent_validators,
    year_validators,
)
from core.dates import FIRST_YEAR, LAST_YEAR, day_in_year
from core.named import Named

# ---------------------------------------------------------------------------
# Regions and population groups


class Region(Named):
    """A pooling area: a city, a province or municipality, or ``national`` (the general rules)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent region"),
        help_text=_("Where to look for a rule this region does not set: a city's province, a province's "
                    "national rules. Empty only for the national rules."),
    )

    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")

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


class PopulationGroup(Named):
    """Who pays what: ordinary residents, 低保 recipients, people in extreme poverty (特困), ..."""

    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("population group")
        verbose_name_plural = _("population groups")


# ---------------------------------------------------------------------------
# Payment windows, waiting periods, contributions


class PaymentWindow(Rule):
    """When residents pay for a coverage year, and what happens to those who pay late."""

    case_fields = ("region", "coverage_year")

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

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug", "-coverage_year"]
        verbose_name = _("payment window")
        verbose_name_plural = _("payment windows")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "coverage_year", "status"], name="calculators_paymentwindow_one_per_year",
                violation_error_message=_("This region already has a payment window for this coverage year."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.start >= self.end:
            errors["end"] = _("The centralized period must end after it starts.")
        if self.end and self.late_deadline and self.late_deadline <= self.end:
            errors["late_deadline"] = _("The late payment deadline must come after the centralized period ends.")
        if self.coverage_year is not None and FIRST_YEAR <= self.coverage_year <= LAST_YEAR:
            year_end = {"date": datetime.date(self.coverage_year, 12, 31)}
            if self.end and self.end > year_end["date"]:
                errors.setdefault("end", ValidationError(
                    _("The centralized period cannot end after the coverage year does (%(date)s)."),
                    code="after_year", params=year_end))
            if self.late_deadline and self.late_deadline > year_end["date"]:
                errors.setdefault("late_deadline", ValidationError(
                    _("The late payment deadline cannot be after the coverage year ends (%(date)s)."),
                    code="after_year", params=year_end))
            if self.start and self.start.year < self.coverage_year - 1:
                errors["start"] = ValidationError(
                    _("Payment for coverage year %(year)s cannot start before %(earliest)s."), code="too_early",
                    params={"year": self.coverage_year, "earliest": f"{self.coverage_year - 1}-01-01"})
        if errors:
            raise ValidationError(errors)


MONTH = [MinValueValidator(1), MaxValueValidator(12)]
DAY = [MinValueValidator(1), MaxValueValidator(31)]


class RecurringPaymentWindow(Rule):
    """The usual payment period, the same every year: what a coverage year without a window of its own uses.

    The national pattern (the seeds: usually 1 September to 31 December of the year before the coverage
    year) gives every coverage year a window; answers based on it say that it is the typical period and
    that the local notice decides. A region's own ``PaymentWindow`` for a year overrides it.
    """

    first_year = models.PositiveSmallIntegerField(
        _("from coverage year"), validators=year_validators,
        help_text=_("The first coverage year this pattern describes."),
    )
    start_month = models.PositiveSmallIntegerField(_("starts: month"), validators=MONTH,
                                                   help_text=_("In the year before the coverage year."))
    start_day = models.PositiveSmallIntegerField(_("starts: day"), validators=DAY)
    end_month = models.PositiveSmallIntegerField(_("ends: month"), validators=MONTH)
    end_day = models.PositiveSmallIntegerField(_("ends: day"), validators=DAY)
    ends_in_coverage_year = models.BooleanField(
        _("ends in the coverage year"), default=False,
        help_text=_("Tick when the period runs into the coverage year itself (for example until 28 February); "
                    "otherwise it ends in the year before."),
    )
    late_cover = models.CharField(
        _("cover for late payers"), max_length=20, choices=LateCover.choices, default=LateCover.AFTER_WAITING
    )

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug"]
        verbose_name = _("usual payment period")
        verbose_name_plural = _("usual payment periods")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "status"], name="calculators_recurringwindow_one_per_region",
                violation_error_message=_("This region already has a usual payment period."),
            ),
        ]

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


class WaitingPolicy(Rule):
    """How long late or interrupted enrolment waits before benefits start.

    One policy per region and status: the published one, and at most one draft and one in review
    that will replace it.
    """

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

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug"]
        verbose_name = _("waiting-period policy")
        verbose_name_plural = _("waiting-period policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "status"], name="calculators_waitingpolicy_one_per_region",
                violation_error_message=_("This region already has a waiting-period policy."),
            ),
        ]

    def clean(self):
        super().clean()
        if (self.long_gap_years is None) != (self.long_gap_min_months is None):
            raise ValidationError({"long_gap_min_months": _(
                "Give both the length of a long break and the minimum wait after it, or leave both empty.")})


class ContributionStandard(Rule):
    """One group's yearly contribution: what the person pays and what public funds add."""

    case_fields = ("region", "coverage_year", "group")

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

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug", "-coverage_year", "group__order"]
        verbose_name = _("contribution standard")
        verbose_name_plural = _("contribution standards")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "coverage_year", "group", "status"],
                name="calculators_contribution_one_per_group",
                violation_error_message=_(
                    "This region already has a contribution standard for this group and coverage year."
                ),
            ),
        ]


class PaymentChannel(Rule):
    """One official way to pay the residents' contribution in a region: an app, a counter, a bank."""

    TRANSLATED_FIELDS = ("name", "how")
    case_fields = ("region", "name_zh")

    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, help_text=_(
        "As residents see it on their phone or on the sign, e.g. 楚税通APP."))
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True, help_text=_(
        "The Russian wording of the glossary, with the Chinese name kept in brackets where readers must find "
        "it on screen."))
    how_zh = models.TextField(_("how to pay (Chinese)"), blank=True, help_text=_(
        "The steps in one or two short sentences, e.g. the menu path."))
    how_ru = models.TextField(_("how to pay (Russian)"), blank=True)
    url = models.URLField(_("official link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug", "order", "name_zh"]
        verbose_name = _("payment channel")
        verbose_name_plural = _("payment channels")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name_zh", "status"], name="calculators_paymentchannel_one_per_name",
                violation_error_message=_("This region already has a payment channel with this name."),
            ),
        ]


# ---------------------------------------------------------------------------
# Reimbursement by the basic fund


class ReimbursementRule(BandedRule, Validity, Rule):
    """What the basic fund pays for one kind of visit at one facility level.

    A rule with no tier applies to every contribution tier; where a region sets per-tier rules, a rule
    for the asked tier wins over one without a tier.
    """

    case_fields = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level", "valid_from")
    overlap_message = _(
        "Another rule for this case is already in force on some of these dates (%(other)s, valid %(validity)s): "
        "change the validity dates so they do not overlap, or edit that rule."
    )
    band_start_message = _(
        "Band 1 starts at %(lower)s: the first band must start at 0, because bands slice the cost above "
        "the deductible."
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

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug", "-coverage_year", "scheme", "employee_status", "visit",
                    "tier", "level", "valid_from"]
        verbose_name = _("reimbursement rule")
        verbose_name_plural = _("reimbursement rules")
        constraints = [
            models.UniqueConstraint(
                F("region"), F("coverage_year"), F("scheme"), F("employee_status"),
                Coalesce("tier", Value(0)), F("visit"), F("level"), Coalesce("valid_from", Value(OPEN_START)),
                F("status"),
                name="calculators_reimbursementrule_natural_key",
                violation_error_message=_("A rule for this case starting on the same date already exists."),
            ),
        ]

    def clean(self):
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
        super().clean()


class ReimbursementBand(Band):
    rule = models.ForeignKey(ReimbursementRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule"))

    history = HistoricalRecords()

    class Meta(Band.Meta):
        verbose_name = _("reimbursement band")
        verbose_name_plural = _("reimbursement bands")


# ---------------------------------------------------------------------------
# Serious-illness insurance


class SeriousIllnessRule(BandedRule, Validity, Rule):
    """Serious-illness insurance: pays bands of the patient's own yearly burden above a deductible.

    Bands are stated in amounts of that burden, as the sources do: the first band starts at
    ``deductible``.
    """

    case_fields = ("region", "coverage_year", "valid_from")
    overlap_message = _(
        "Another serious-illness rule for this region is already in force on some of these dates (%(other)s, "
        "valid %(validity)s): change the validity dates so they do not overlap, or edit that rule."
    )
    band_start_message = _(
        "Band 1 starts at %(lower)s: the first band must start at the deductible, %(start)s, because "
        "serious-illness bands are amounts of the patient's own yearly burden."
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

    history = HistoricalRecords()

    class Meta(Rule.Meta):
        ordering = ["region__order", "region__slug", "-coverage_year", "valid_from"]
        verbose_name = _("serious-illness rule")
        verbose_name_plural = _("serious-illness rules")
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

    def band_start(self):
        return self.deductible

    def clean(self):
        if (self.reduced_deductible is not None and self.deductible is not None
                and self.reduced_deductible >= self.deductible):
            raise ValidationError({"reduced_deductible": _("The reduced deductible must be lower than the "
                                                           "standard deductible.")})
        super().clean()


class SeriousIllnessBand(Band):
    rule = models.ForeignKey(SeriousIllnessRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule"))

    history = HistoricalRecords()

    class Meta(Band.Meta):
        verbose_name = _("serious-illness band")
        verbose_name_plural = _("serious-illness bands")


# ---------------------------------------------------------------------------
# Check cases


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
        validate_case(self)
