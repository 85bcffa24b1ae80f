"""Bands: a rule's payment ratio, sliced by amount. Both banded rules (reimbursement and serious illness) share
this base, and one validation serves the model, the admin's inline formset and the importer alike.

A band runs from ``lower`` up to ``upper`` (empty: no upper end) at ``ratio`` percent. Reimbursement bands
slice the in-policy cost above the deductible, so the first starts at 0 (a flat ratio is one band from 0 with
no upper end); serious-illness bands are amounts of the patient's own yearly burden, so the first starts at the
rule's deductible. ``set_bands`` / ``save_with_bands`` save a rule and its bands together or not at all.
"""

from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from calculators.rule_base import format_amount, money_field, percent_validators


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


class BandQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        *rule_key, order = key
        rule = self.model._meta.get_field("rule").related_model.objects.get_by_natural_key(*rule_key)
        return self.get(rule=rule, order=order)


class Band(models.Model):
    """One slice of a rule's amount, paid at ``ratio`` percent. Numbered by ``order`` from 1, lowest first."""

    order = models.PositiveSmallIntegerField(_("order"), default=1)
    lower = money_field(_("from (yuan)"))
    upper = money_field(_("up to (yuan)"), null=True, blank=True, help_text=_("Empty: no upper end."))
    ratio = models.DecimalField(
        _("ratio (%)"), max_digits=5, decimal_places=2, validators=percent_validators,
        help_text=_("Percentage the fund pays within this band."),
    )

    objects = BandQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "lower"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "order"], name="%(app_label)s_%(class)s_order",
                violation_error_message=_("Two bands of one rule cannot share a number."),
            ),
        ]

    def natural_key(self):
        return (*self.rule.natural_key(), self.order)

    def __str__(self):
        upper = format_amount(self.upper) if self.upper is not None else "…"
        return f"{format_amount(self.lower)} – {upper}: {format_amount(self.ratio)}%"

    def spec(self):
        return BandSpec(self.lower, self.upper, self.ratio)


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
