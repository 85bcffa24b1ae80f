"""How values are written in an import file: amounts and ratios with a dot and no separators, whole numbers,
dates as YYYY-MM-DD, regions and groups by slug. A value that is not so is refused with a message naming it."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import widgets

UNKNOWN_REGION = _("There is no region with the slug “%(slug)s”.")
UNKNOWN_GROUP = _("There is no population group with the slug “%(slug)s”.")
NOT_A_NUMBER = _("“%(value)s” is not a number: write digits with a dot for decimals and no thousands "
                 "separators, for example 1234.5.")
NOT_A_WHOLE_NUMBER = _("“%(value)s” is not a whole number.")
NOT_A_DATE = _("“%(value)s” is not a date in the form YYYY-MM-DD, for example 2025-01-31.")


def plain_decimal(value):
    """Decimal("100000.00") -> "100000"; Decimal("1234.50") -> "1234.5": no exponent, no separators."""
    return format(Decimal(value).normalize(), "f")


def _text(value):
    return value.strip() if isinstance(value, str) else value


class StrictDecimalWidget(widgets.Widget):
    """Digits with a dot, nothing else (no thousands separators, no locale): "1234.5"."""

    NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")

    def clean(self, value, row=None, **kwargs):
        value = _text(value)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise ValueError(NOT_A_NUMBER % {"value": value})
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        if isinstance(value, float):  # a number typed into a spreadsheet
            return Decimal(repr(value))
        if isinstance(value, str) and self.NUMBER.match(value):
            try:
                return Decimal(value)
            except InvalidOperation:
                pass
        raise ValueError(NOT_A_NUMBER % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else plain_decimal(value)


class StrictIntegerWidget(widgets.Widget):
    WHOLE = re.compile(r"^-?\d+$")

    def clean(self, value, row=None, **kwargs):
        value = _text(value)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise ValueError(NOT_A_WHOLE_NUMBER % {"value": value})
        if isinstance(value, int):
            return value
        if isinstance(value, (float, Decimal)) and value == int(value):
            return int(value)
        if isinstance(value, str) and self.WHOLE.match(value):
            return int(value)
        raise ValueError(NOT_A_WHOLE_NUMBER % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(int(value))


class IsoDateWidget(widgets.Widget):
    """YYYY-MM-DD only: "2025/13/01" or "01.02.2025" are refused, never guessed."""

    ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def clean(self, value, row=None, **kwargs):
        value = _text(value)
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):  # a date cell in a spreadsheet
            if value.time() == datetime.time(0, 0):
                return value.date()
        elif isinstance(value, datetime.date):
            return value
        elif isinstance(value, str) and self.ISO_DATE.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(NOT_A_DATE % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class SlugForeignKeyWidget(widgets.ForeignKeyWidget):
    """A region or group by its slug; an unknown slug is a refusal naming it, not a crash."""

    def __init__(self, model, unknown_message, **kwargs):
        super().__init__(model, field="slug", **kwargs)
        self.unknown_message = unknown_message

    def clean(self, value, row=None, **kwargs):
        value = _text(value)
        if value is None or value == "":
            return None
        slug = force_str(value)
        try:
            return self.get_queryset(value, row, **kwargs).get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(self.unknown_message % {"slug": slug}) from None


class SlugManyToManyWidget(widgets.ManyToManyWidget):
    """Groups as a comma-separated list of slugs: "extreme_poverty, low_income"."""

    def __init__(self, model, unknown_message, **kwargs):
        super().__init__(model, separator=",", field="slug", **kwargs)
        self.unknown_message = unknown_message

    def clean(self, value, row=None, **kwargs):
        value = _text(value)
        if value is None or value == "":
            return []
        slugs = list(dict.fromkeys(part.strip() for part in force_str(value).split(self.separator)
                                   if part.strip()))
        found = {obj.slug: obj for obj in self.model.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValueError(" ".join(str(self.unknown_message % {"slug": slug}) for slug in missing))
        return [found[slug] for slug in slugs]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(item.slug for item in value.all())
