"""A banded rule's bands in one cell of an import file: ``0-100000:70; 100000-:80`` (lower-upper:ratio; an empty
upper end for the last band)."""

import re
from decimal import Decimal

from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from calculators.bands import BandSpec
from calculators.import_widgets import _text, plain_decimal

# Where a row's parsed bands wait between reading the row and saving the rule.
IMPORTED_BANDS = "_imported_bands"

BAND_FORMAT = _("Band %(number)s, “%(text)s”, is not in the form lower-upper:ratio, for example "
                "0-100000:70 or 100000-:80 (leave the upper end empty for the last band).")


AMOUNT = r"\d+(?:\.\d+)?"
BAND = re.compile(rf"^\s*(?P<lower>{AMOUNT})\s*-\s*(?P<upper>{AMOUNT})?\s*:\s*(?P<ratio>{AMOUNT})\s*$")


def format_bands(bands):
    """Bands (BandSpec or band rows) as one cell, lowest first: "0-100000:70; 100000-:80"."""
    specs = sorted((BandSpec.of(band) for band in bands), key=lambda band: band.lower)
    return "; ".join(
        f"{plain_decimal(band.lower)}-{'' if band.upper is None else plain_decimal(band.upper)}:"
        f"{plain_decimal(band.ratio)}"
        for band in specs
    )


def parse_bands(value):
    """The cell back to a list of BandSpec, in the order written; ValueError naming each unreadable band.

    Only the written form is checked here; whether the bands make a valid set is the model's
    ``validate_bands``.
    """
    value = _text(value)
    if value is None or value == "":
        return []
    parts = force_str(value).split(";")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing semicolon
    specs, problems = [], []
    for number, part in enumerate(parts, 1):
        match = BAND.match(part)
        if match is None:
            problems.append(str(BAND_FORMAT % {"number": number, "text": part.strip()}))
            continue
        upper = match.group("upper")
        specs.append(BandSpec(Decimal(match.group("lower")), Decimal(upper) if upper else None,
                              Decimal(match.group("ratio"))))
    if problems:
        raise ValueError(" ".join(problems))
    return specs


class BandsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_bands(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class BandsField(Field):
    """A rule's bands as the ``bands`` column.

    Reading a row parks the parsed bands on the instance; the resource validates them with the rule and
    saves them together with it.
    """

    def __init__(self):
        super().__init__(attribute="bands", column_name="bands", widget=BandsWidget())

    def get_value(self, instance):
        specs = getattr(instance, IMPORTED_BANDS, None)
        if specs is None:
            if instance.pk is None:
                return None
            specs = [band.spec() for band in instance.bands.all()]
        return format_bands(specs)

    def save(self, instance, row, is_m2m=False, **kwargs):
        setattr(instance, IMPORTED_BANDS, self.clean(row, **kwargs))
