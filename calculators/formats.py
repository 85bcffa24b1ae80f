"""Numbers, money and dates as the reader writes them: the one place that knows each language's format.

Chinese: ``¥34,300.00`` and ``2025年6月1日``; Russian: ``34 300,00 ¥`` (non-breaking spaces, so a figure
never breaks across lines) and ``1 июня 2025 г.``. JSON keeps the machine format (calculators.serializers).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.dateformat import format as date_format

from core.bilingual import current_language

NBSP = "\u00a0"


def _fen(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(value):
    """An amount in the reader's format: ``¥34,300.00`` in Chinese, ``34 300,00 ¥`` (non-breaking spaces) in
    Russian. For display only: the engine has already rounded the answer once."""
    if value is None or value == "":
        return ""
    grouped = f"{_fen(value):,.2f}"
    if current_language() == "ru":
        return grouped.replace(",", NBSP).replace(".", ",") + NBSP + "¥"
    return "¥" + grouped


def number(value):
    """A ratio or count without trailing zeros, with the reader's decimal mark: 70.00 -> "70", 70.5 -> "70,5"."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",") if current_language() == "ru" else text


def month_day(value):
    """1 September as the reader says it: "9月1日", "1 сентября"."""
    if not value:
        return ""
    return date_format(value, "j E" if current_language() == "ru" else "n月j日")
