"""Money, numbers and dates as each reader writes them; JSON keeps the machine format."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from calculators import formats


@pytest.mark.parametrize("language,expected", [("zh-hans", "¥34,300.00"), ("ru", "34\u00a0300,00\u00a0¥")])
def test_money_is_written_the_readers_way_and_never_breaks_across_lines(language, expected):
    with translation.override(language):
        assert formats.money(Decimal("34300")) == expected


def test_money_is_rounded_to_the_fen_for_display_only():
    with translation.override("zh-hans"):
        assert formats.money(Decimal("0.005")) == "¥0.01"
        assert formats.money(None) == ""


@pytest.mark.parametrize("language,expected", [("zh-hans", "70.5"), ("ru", "70,5")])
def test_ratios_use_the_readers_decimal_mark_and_drop_trailing_zeros(language, expected):
    with translation.override(language):
        assert formats.number(Decimal("70.50")) == expected
        assert formats.number(Decimal("70.00")) == "70"


@pytest.mark.parametrize("language,expected", [("zh-hans", "9月1日"), ("ru", "1 сентября")])
def test_a_day_of_the_year_reads_naturally(language, expected):
    with translation.override(language):
        assert formats.month_day(datetime.date(2026, 9, 1)) == expected
