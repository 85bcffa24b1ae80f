from datetime import date

import pytest

from calculators.engine.dates import add_months, year_end, year_start


def test_adding_months_keeps_the_day_of_month():
    assert add_months(date(2025, 1, 20), 3) == date(2025, 4, 20)


def test_adding_months_crosses_the_year_end():
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)


def test_31_january_plus_one_month_is_the_last_day_of_february():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


def test_31_january_plus_one_month_is_29_february_in_a_leap_year():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_31_march_plus_one_month_is_30_april():
    assert add_months(date(2025, 3, 31), 1) == date(2025, 4, 30)


def test_clamping_does_not_carry_over_to_later_months():
    assert add_months(date(2025, 1, 31), 2) == date(2025, 3, 31)


def test_zero_months_is_the_same_day():
    assert add_months(date(2025, 5, 17), 0) == date(2025, 5, 17)


def test_twelve_months_is_the_same_day_next_year():
    assert add_months(date(2025, 5, 17), 12) == date(2026, 5, 17)


def test_29_february_plus_twelve_months_is_28_february():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_negative_months_go_back_and_clamp():
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)


def test_months_must_be_a_whole_number():
    with pytest.raises(TypeError):
        add_months(date(2025, 1, 1), 1.5)
    with pytest.raises(TypeError):
        add_months(date(2025, 1, 1), True)


def test_going_past_the_calendar_raises_value_error():
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(ValueError):
        add_months(date(1, 1, 1), -1)


def test_year_start_and_end():
    assert year_start(2025) == date(2025, 1, 1)
    assert year_end(2025) == date(2025, 12, 31)
