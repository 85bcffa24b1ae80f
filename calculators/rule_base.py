"""What every policy rule table shares: its region, its source, the review workflow, its natural key and the
refusal of two rules in force for the same case.

A concrete rule declares ``case_fields``: the fields that say which case it is the rule for (its natural key is
those values plus the status). Rules with validity dates (``Validity``) are refused when another rule of the
same status for the same case is in force on some of the same days: a draft may sit beside the published rule
it will replace, but not beside another draft for the same days.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calculators.engine.rules import SourceRef
from core.bilingual import BilingualMixin
from core.dates import FIRST_YEAR, LAST_YEAR
from core.workflow import Publishable, PublishableQuerySet, Status

# Stands in for an empty ``valid_from`` in unique constraints (NULLs never clash in SQL).
OPEN_START = datetime.date(1900, 1, 1)

year_validators = [
    MinValueValidator(FIRST_YEAR, message=_("Enter a year between 2000 and 2100.")),
    MaxValueValidator(LAST_YEAR, message=_("Enter a year between 2000 and 2100.")),
]
money_validators = [MinValueValidator(Decimal("0"), message=_("Enter an amount of 0 or more."))]
percent_validators = [
    MinValueValidator(Decimal("0"), message=_("Enter a percentage between 0 and 100.")),
    MaxValueValidator(Decimal("100"), message=_("Enter a percentage between 0 and 100.")),
]


def money_field(verbose_name, **options):
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, validators=money_validators, **options)


def format_amount(value):
    """90000 -> "90,000"; 1234.5 -> "1,234.5": how amounts read in messages."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def validity_text(valid_from, valid_until):
    if valid_from and valid_until:
        return f"{valid_from.isoformat()} – {valid_until.isoformat()}"
    if valid_from:
        return f"{valid_from.isoformat()} –"
    if valid_until:
        return f"– {valid_until.isoformat()}"
    return "—"


class RuleQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, *key):
        """The row for ``case_fields`` values (slugs for regions and groups, ISO text for dates), then an
        optional status: older fixtures and band references leave it out and mean the published row."""
        fields = self.model.case_fields
        values, status = key[:len(fields)], key[len(fields)] if len(key) > len(fields) else Status.PUBLISHED
        lookup = {"status": status}
        for name, value in zip(fields, values, strict=True):
            field = self.model._meta.get_field(name)
            if field.is_relation:
                lookup[f"{name}__slug"] = value
            elif value in (None, ""):
                lookup[f"{name}__isnull" if field.null else name] = True if field.null else value
            elif isinstance(field, models.DateField) and not isinstance(value, datetime.date):
                lookup[name] = datetime.date.fromisoformat(str(value))
            else:
                lookup[name] = value
        return self.get(**lookup)

    def in_force_on(self, day):
        """Rules for ``day``'s coverage year whose validity (empty = open) contains ``day``."""
        return self.filter(Q(coverage_year=day.year), Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_until__isnull=True) | Q(valid_until__gte=day))


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
            title=self.source_title, issuer=self.source_issuer, document_number=self.source_document_number,
            url=self.source_url, checked_on=self.checked_on, title_zh=self.source_title_zh,
            title_ru=self.source_title_ru, issuer_ru=self.source_issuer_ru, note_zh=self.source_note_zh,
            note_ru=self.source_note_ru, example=self.is_example, year_assumed=self.year_assumed,
        )


class Rule(Publishable, RuleSource):
    """A rule row of one region, reviewed before it is used, with its source."""

    case_fields = ("region",)  # which case the rule is for; the natural key is these values and the status
    overlap_message = None  # for rules with validity dates: the refusal when two are in force for one case

    # Django's default reverse names: region.paymentwindow_set, Region.objects.filter(paymentwindow__...).
    region = models.ForeignKey("calculators.Region", on_delete=models.PROTECT, verbose_name=_("region"))

    objects = RuleQuerySet.as_manager()

    class Meta(Publishable.Meta):
        abstract = True

    def __str__(self):
        """The case the rule is for, as its natural key names it: ``zhejiang-lishui · 2025 · resident · tier 3``."""
        parts = [self.region.slug if self.region_id else "?"]
        for name in self.case_fields[1:]:
            value = getattr(self, name)
            if name != "valid_from" and value not in (None, ""):
                parts.append(getattr(value, "slug", None) or (f"tier {value}" if name == "tier" else str(value)))
        if isinstance(self, Validity) and (self.valid_from or self.valid_until):
            parts.append(self.validity)
        return " · ".join(parts)

    def natural_key(self):
        key = []
        for name in self.case_fields:
            value = getattr(self, name)
            if hasattr(value, "slug"):
                value = value.slug
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            key.append(value)
        return (*key, self.status)

    def clean(self):
        super().clean()
        if isinstance(self, Validity):
            self.validate_coverage_dates()
            self.refuse_overlaps()

    def validate_coverage_dates(self):
        """valid_from <= valid_until, both inside the coverage year: a rule out of its year is never picked."""
        errors = {}
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            errors["valid_until"] = _("The end of validity cannot be earlier than its start.")
        if self.coverage_year and FIRST_YEAR <= self.coverage_year <= LAST_YEAR:
            for name in ("valid_from", "valid_until"):
                value = getattr(self, name)
                if value and value.year != self.coverage_year and name not in errors:
                    errors[name] = ValidationError(
                        _("This date must fall within the coverage year %(year)s."),
                        code="outside_year", params={"year": self.coverage_year},
                    )
        if errors:
            raise ValidationError(errors)

    def refuse_overlaps(self):
        """No two rules in force at once for the same case, among the rows of this row's status.

        A published row is compared with the other published rows (publishing a successor that would be in
        force beside the rule it replaces is refused: shorten the old rule's validity first); a draft or a row
        in review only with the other drafts or rows in review, so a draft change can be prepared while the
        rule it changes is still in force.
        """
        same_case = {}
        for name in self.case_fields:
            if name == "valid_from":
                continue
            field = self._meta.get_field(name)
            value = getattr(self, field.attname)
            if value is None and not field.null:
                return  # the field's own error says what to fill in
            same_case[f"{field.attname}__isnull" if value is None else field.attname] = True if value is None else value
        rows = type(self).objects.filter(status=self.status, **same_case).exclude(pk=self.pk)
        if self.valid_until is not None:
            rows = rows.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_until))
        if self.valid_from is not None:
            rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        clash = rows.first()
        if clash is not None:
            raise ValidationError(self.overlap_message, code="overlap", params={
                "other": str(clash), "validity": validity_text(clash.valid_from, clash.valid_until)})


class Validity(models.Model):
    """Validity dates inside the coverage year, for rules that can change during it."""

    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: from the start of the coverage year.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: to the end of the coverage year.")
    )

    class Meta:
        abstract = True

    @property
    def validity(self):
        return validity_text(self.valid_from, self.valid_until)

    def in_force_on(self, day):
        """Whether the validity (empty = open) contains ``day``; ``RuleQuerySet.in_force_on`` in Python."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None
                                                                         or day <= self.valid_until)
