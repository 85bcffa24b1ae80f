from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculators.engine.deadline import DeadlineCase, calculate_deadline
from calculators.engine.errors import InvalidInputError, InvalidRuleError
from calculators.engine.rules import Contribution
from calculators.engine.steps import step_codes, steps_with
from tests.calculators.engine.seeds import (
    BEIJING_2024,
    GUANGDONG_2024,
    HUBEI_2025,
    HUBEI_2025_ORDINARY,
    NATIONAL_WAITING,
    SHANGHAI_2024,
    ZHEJIANG_2025,
    ZHEJIANG_2025_ORDINARY,
)


def when(window, paid_on, status="continuous", contribution=None, policy=NATIONAL_WAITING, **case):
    return calculate_deadline(
        DeadlineCase(coverage_year=window.coverage_year, paid_on=paid_on, status=status, **case),
        window,
        policy,
        contribution,
    )


def hubei(paid_on, status="continuous", **case):
    return when(HUBEI_2025, paid_on, status, HUBEI_2025_ORDINARY, **case)


def only(steps, code):
    found = steps_with(steps, code)
    assert len(found) == 1, f"expected one {code!r} step, got {found}"
    return found[0]


# --- Window status and days -----------------------------------------------------------------------


def test_paying_in_hubeis_window_covers_the_whole_of_2025():
    result = hubei(date(2024, 10, 15))
    assert result.window_status == "open"
    assert result.days_left == 77
    assert result.days_until_open is None
    assert result.waiting_months == 0
    assert result.cover_starts == date(2025, 1, 1)
    assert result.cover_ends == date(2025, 12, 31)
    assert result.amount_due == D("400.00")
    assert result.covered_this_year and not result.is_late
    assert result.window is HUBEI_2025
    assert step_codes(result.steps) == (
        "window_open",
        "no_waiting",
        "cover_starts",
        "cover_ends",
        "amount_due",
    )


def test_window_step_gives_the_dates_and_days_left():
    step = only(hubei(date(2024, 10, 15)).steps, "window_open")
    assert step.params == {
        "start": date(2024, 9, 1),
        "end": date(2024, 12, 31),
        "late_deadline": date(2025, 2, 28),
        "paid_on": date(2024, 10, 15),
        "days_left": 77,
    }
    assert step.source is HUBEI_2025.source


def test_the_first_day_of_the_window_is_open():
    result = hubei(date(2024, 9, 1))
    assert (result.window_status, result.days_left) == ("open", 121)


def test_the_last_day_of_the_window_is_open_with_zero_days_left():
    result = hubei(date(2024, 12, 31))
    assert (result.window_status, result.days_left, result.waiting_months) == ("open", 0, 0)


def test_before_the_window_opens_it_counts_the_days_until_it_opens():
    result = hubei(date(2024, 8, 15))
    assert result.window_status == "not_open"
    assert result.days_until_open == 17
    assert result.days_left is None
    assert only(result.steps, "window_not_open").params["days_until_open"] == 17
    # the answer describes paying once the window opens: on time, covered from 1 January
    assert (result.waiting_months, result.cover_starts, result.amount_due) == (
        0,
        date(2025, 1, 1),
        D("400.00"),
    )


def test_late_payer_waits_three_months():
    result = hubei(date(2025, 1, 20))
    assert result.window_status == "late"
    assert result.is_late
    assert result.days_left == 39
    assert result.waiting_months == 3
    assert result.cover_starts == date(2025, 4, 20)
    assert step_codes(result.steps) == (
        "window_late",
        "waiting_fixed",
        "waiting_total",
        "cover_starts",
        "cover_ends",
        "amount_due",
    )
    assert only(result.steps, "waiting_fixed").params == {"months": 3, "reason": "late"}
    assert only(result.steps, "waiting_total").params == {
        "months": 3,
        "fixed_months": 3,
        "variable_months": 0,
    }
    assert only(result.steps, "cover_starts").params == {
        "date": date(2025, 4, 20),
        "from": date(2025, 1, 20),
        "months": 3,
    }
    assert only(result.steps, "waiting_fixed").source is NATIONAL_WAITING.source


def test_paying_on_the_late_deadline_is_still_late_with_zero_days_left():
    result = hubei(date(2025, 2, 28))
    assert (result.window_status, result.days_left, result.cover_starts) == ("late", 0, date(2025, 5, 28))


def test_the_waiting_period_clamps_to_the_end_of_a_shorter_month():
    assert hubei(date(2025, 1, 31)).cover_starts == date(2025, 4, 30)


def test_after_the_late_deadline_the_window_is_closed():
    result = hubei(date(2025, 3, 1))
    assert result.window_status == "closed"
    assert (result.days_left, result.days_until_open) == (None, None)
    assert (result.amount_due, result.cover_starts, result.waiting_months) == (None, None, 0)
    assert result.cover_ends == date(2025, 12, 31)
    assert not result.covered_this_year
    assert step_codes(result.steps) == ("window_closed",)


def test_without_a_regional_late_deadline_late_joining_stays_open_with_the_waiting_period():
    result = when(replace(HUBEI_2025, late_deadline=None), date(2025, 6, 1), "new", HUBEI_2025_ORDINARY)
    assert result.window_status == "late"
    assert result.days_left == 213  # until 31 December, the end of the coverage year
    assert (result.waiting_months, result.cover_starts, result.amount_due) == (3, date(2025, 9, 1), D("400.00"))
    assert only(result.steps, "window_late").params["late_deadline"] is None


def test_without_a_regional_late_deadline_joining_closes_when_the_coverage_year_ends():
    result = when(replace(HUBEI_2025, late_deadline=None), date(2026, 1, 1))
    assert result.window_status == "closed"


def test_late_joining_after_the_first_of_october_gives_no_cover_this_year():
    result = when(replace(HUBEI_2025, late_deadline=None), date(2025, 10, 2), "new")
    assert (result.window_status, result.cover_starts) == ("late", None)
    assert only(result.steps, "no_cover_this_year").params["would_start"] == date(2026, 1, 2)


# --- Days counted from today ----------------------------------------------------------------------


def test_days_left_count_from_today_not_from_the_payment_date():
    result = hubei(date(2024, 12, 20), today=date(2024, 12, 1))
    assert (result.window_status, result.days_left) == ("open", 30)


def test_a_payment_planned_in_the_window_before_it_opens_counts_days_until_it_opens_from_today():
    result = hubei(date(2024, 10, 1), today=date(2024, 8, 22))
    assert (result.window_status, result.days_left, result.days_until_open) == ("open", None, 10)


def test_nothing_is_left_when_today_is_past_the_late_deadline():
    result = hubei(date(2025, 1, 15), today=date(2026, 12, 2))
    assert (result.window_status, result.days_left, result.days_until_open) == ("late", None, None)


# --- Regions from the seeds -----------------------------------------------------------------------


def test_beijing_2024_payment_on_31_december_is_on_time():
    result = when(BEIJING_2024, date(2023, 12, 31))
    assert (result.window_status, result.cover_starts) == ("open", date(2024, 1, 1))


def test_beijing_2024_payment_in_january_is_late():
    result = when(BEIJING_2024, date(2024, 1, 15))
    assert (result.window_status, result.days_left, result.cover_starts) == ("late", 16, date(2024, 4, 15))


def test_beijing_2024_payment_in_february_is_too_late():
    assert when(BEIJING_2024, date(2024, 2, 1)).window_status == "closed"


def test_shanghai_late_payment_before_the_coverage_year_waits_from_1_january():
    result = when(SHANGHAI_2024, date(2023, 12, 26))
    assert (result.window_status, result.days_left) == ("late", 96)
    assert result.cover_starts == date(2024, 4, 1)
    assert only(result.steps, "cover_starts").params["from"] == date(2024, 1, 1)


def test_shanghai_window_opens_on_1_october():
    result = when(SHANGHAI_2024, date(2023, 9, 20))
    assert (result.window_status, result.days_until_open) == ("not_open", 11)


def test_guangdong_window_runs_into_the_coverage_year_and_still_covers_from_1_january():
    result = when(GUANGDONG_2024, date(2024, 2, 29))
    assert (result.window_status, result.days_left, result.cover_starts) == ("open", 0, date(2024, 1, 1))


def test_guangdong_late_payment_on_the_deadline_waits_three_months():
    result = when(GUANGDONG_2024, date(2024, 6, 30))
    assert (result.window_status, result.days_left, result.cover_starts) == ("late", 0, date(2024, 9, 30))


def test_zhejiang_2025_joining_late_costs_1070_and_waits_three_months():
    result = when(ZHEJIANG_2025, date(2025, 3, 15), "new", ZHEJIANG_2025_ORDINARY)
    assert result.amount_due == D("1070.00")
    assert result.waiting_months == 3
    assert result.cover_starts == date(2025, 6, 15)
    step = only(result.steps, "amount_due")
    assert step.params == {"late": True, "group": "ordinary", "subsidy": D("650"), "subsidy_is_minimum": False}
    assert step.source is ZHEJIANG_2025_ORDINARY.source


def test_zhejiang_2025_joining_on_time_costs_400():
    result = when(ZHEJIANG_2025, date(2024, 11, 1), "new", ZHEJIANG_2025_ORDINARY)
    assert (result.amount_due, result.waiting_months) == (D("400.00"), 0)
    assert only(result.steps, "amount_due").params["late"] is False


def test_a_late_payer_pays_the_normal_amount_where_no_late_amount_is_set():
    result = hubei(date(2025, 1, 20))
    assert result.amount_due == D("400.00")
    assert only(result.steps, "amount_due").params["late"] is False


def test_without_a_contribution_there_is_no_amount():
    result = when(HUBEI_2025, date(2024, 10, 15))
    assert result.amount_due is None
    assert steps_with(result.steps, "amount_due") == ()


# --- New and lapsed payers ------------------------------------------------------------------------


def test_a_new_joiner_paying_in_the_window_does_not_wait():
    result = hubei(date(2024, 11, 1), "new")
    assert (result.waiting_months, result.cover_starts) == (0, date(2025, 1, 1))
    assert only(result.steps, "no_waiting").params == {"reason": "on_time"}


def test_a_new_joiner_paying_late_waits_only_the_fixed_months():
    result = hubei(date(2025, 2, 1), "new")
    assert (result.waiting_months, result.cover_starts) == (3, date(2025, 5, 1))
    assert steps_with(result.steps, "waiting_variable") == ()


def test_a_lapsed_payer_waits_even_when_paying_in_the_window():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=1)
    assert result.waiting_months == 3
    assert result.cover_starts == date(2025, 4, 1)
    assert step_codes(result.steps) == (
        "window_open",
        "waiting_fixed",
        "waiting_variable",
        "waiting_total",
        "cover_starts",
        "cover_ends",
        "amount_due",
    )
    assert only(result.steps, "waiting_fixed").params == {"months": 3, "reason": "lapsed"}


def test_the_first_year_without_cover_adds_no_variable_month():
    step = only(hubei(date(2024, 11, 10), "lapsed", gap_years=1).steps, "waiting_variable")
    assert step.params == {"gap_years": 1, "free_gap_years": 1, "months_per_gap_year": 1, "months": 0}


def test_each_further_year_without_cover_adds_one_variable_month():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=3)
    assert result.waiting_months == 5
    assert result.cover_starts == date(2025, 6, 1)
    assert only(result.steps, "waiting_variable").params["months"] == 2


def test_each_year_paid_back_removes_one_variable_month():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=3, repaid_years=1)
    assert result.waiting_months == 4
    assert only(result.steps, "waiting_repaid").params == {
        "repaid_years": 1,
        "months_removed_per_repaid_year": 1,
        "months": 1,
    }
    assert only(result.steps, "waiting_total").params == {
        "months": 4,
        "fixed_months": 3,
        "variable_months": 1,
    }


def test_a_break_of_four_years_or_more_waits_at_least_six_months_after_paying_back():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=5, repaid_years=5)
    assert result.waiting_months == 6
    assert result.cover_starts == date(2025, 7, 1)
    assert only(result.steps, "waiting_floor").params == {
        "gap_years": 5, "long_gap_years": 4, "min_months": 6, "before": 3,
    }
    assert only(result.steps, "waiting_total").params == {"months": 6, "fixed_months": 3, "variable_months": 3}


def test_the_long_break_floor_does_not_lower_a_longer_wait():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=5)
    assert result.waiting_months == 7
    assert steps_with(result.steps, "waiting_floor") == ()


def test_a_break_of_three_years_paid_back_has_no_floor():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=3, repaid_years=3)
    assert result.waiting_months == 3
    assert steps_with(result.steps, "waiting_floor") == ()


def test_paying_back_never_removes_the_fixed_months():
    result = hubei(date(2024, 11, 10), "lapsed", gap_years=3, repaid_years=3)
    assert result.waiting_months == 3
    assert only(result.steps, "waiting_repaid").params["months"] == 2  # only the 2 variable months go
    assert only(result.steps, "waiting_total").params["variable_months"] == 0


def test_no_repaid_step_when_nothing_was_paid_back():
    assert steps_with(hubei(date(2024, 11, 10), "lapsed", gap_years=3).steps, "waiting_repaid") == ()


def test_a_lapsed_payer_paying_late_waits_from_the_payment_date():
    result = hubei(date(2025, 2, 10), "lapsed", gap_years=3)
    assert (result.waiting_months, result.cover_starts) == (5, date(2025, 7, 10))
    assert len(steps_with(result.steps, "waiting_fixed")) == 1  # fixed months are not counted twice


def test_a_lapsed_payer_before_the_window_opens_waits_from_1_january():
    result = hubei(date(2024, 8, 1), "lapsed", gap_years=1)
    assert (result.window_status, result.cover_starts) == ("not_open", date(2025, 4, 1))


def test_a_long_gap_can_leave_no_cover_this_year():
    result = hubei(date(2025, 2, 20), "lapsed", gap_years=13)
    assert result.waiting_months == 15
    assert result.cover_starts is None
    assert not result.covered_this_year
    assert only(result.steps, "no_cover_this_year").params == {
        "would_start": date(2026, 5, 20),
        "year_end": date(2025, 12, 31),
    }
    assert steps_with(result.steps, "cover_starts") == ()
    assert steps_with(result.steps, "cover_ends") == ()
    assert result.amount_due == D("400.00")


def test_cover_starting_on_31_december_still_counts():
    result = when(ZHEJIANG_2025, date(2025, 8, 31), "lapsed", gap_years=2)
    assert result.cover_starts == date(2025, 12, 31)


def test_cover_that_would_start_on_1_january_next_year_does_not():
    result = when(ZHEJIANG_2025, date(2025, 9, 1), "lapsed", gap_years=2)
    assert result.cover_starts is None


def test_an_exempt_group_does_not_wait_even_when_late():
    result = when(HUBEI_2025, date(2025, 2, 1), group="extreme_poverty")
    assert (result.waiting_months, result.cover_starts) == (0, date(2025, 1, 1))
    assert only(result.steps, "no_waiting").params == {"reason": "exempt", "group": "extreme_poverty"}


def test_an_exempt_group_does_not_wait_after_a_gap_either():
    result = when(HUBEI_2025, date(2024, 11, 1), "lapsed", gap_years=5, group="extreme_poverty")
    assert result.waiting_months == 0


def test_where_late_payers_are_covered_from_1_january_they_do_not_wait():
    window = replace(HUBEI_2025, late_cover="year_start")
    result = when(window, date(2025, 2, 1))
    assert (result.window_status, result.waiting_months, result.cover_starts) == ("late", 0, date(2025, 1, 1))
    step = only(result.steps, "no_waiting")
    assert step.params == {"reason": "late_cover_year_start"}
    assert step.source is window.source


def test_where_late_payers_are_covered_from_1_january_a_lapsed_payer_still_waits_for_the_gap():
    result = when(replace(HUBEI_2025, late_cover="year_start"), date(2025, 2, 1), "lapsed", gap_years=2)
    assert (result.waiting_months, result.cover_starts) == (4, date(2025, 6, 1))


def test_a_late_payer_still_pays_the_late_amount_where_late_cover_is_year_start():
    result = when(
        replace(ZHEJIANG_2025, late_cover="year_start"), date(2025, 3, 1), "new", ZHEJIANG_2025_ORDINARY
    )
    assert (result.amount_due, result.waiting_months) == (D("1070.00"), 0)


# --- Newborns -------------------------------------------------------------------------------------


def test_a_newborn_registered_within_90_days_is_covered_from_birth():
    result = hubei(date(2025, 5, 1), "newborn", birth_date=date(2025, 3, 10))
    assert result.window_status == "closed"  # the newborn rule does not depend on the window
    assert (result.waiting_months, result.cover_starts, result.amount_due) == (
        0,
        date(2025, 3, 10),
        D("400.00"),
    )
    assert step_codes(result.steps) == (
        "window_closed",
        "newborn",
        "no_waiting",
        "cover_starts",
        "cover_ends",
        "amount_due",
    )
    assert only(result.steps, "newborn").params == {
        "birth_date": date(2025, 3, 10),
        "newborn_days": 90,
        "last_day": date(2025, 6, 8),
    }
    assert only(result.steps, "no_waiting").params == {"reason": "newborn"}
    assert only(result.steps, "cover_starts").params == {
        "date": date(2025, 3, 10),
        "from": date(2025, 3, 10),
        "months": 0,
    }


def test_a_newborn_registered_on_day_90_is_still_covered_from_birth():
    assert hubei(date(2025, 6, 8), "newborn", birth_date=date(2025, 3, 10)).cover_starts == date(2025, 3, 10)


def test_a_newborn_registered_after_90_days_is_treated_as_new():
    result = hubei(date(2025, 6, 9), "newborn", birth_date=date(2025, 3, 10))
    assert step_codes(result.steps) == ("window_closed", "newborn_too_late")
    assert (result.cover_starts, result.amount_due) == (None, None)


def test_a_newborn_registered_late_after_90_days_waits_like_a_new_joiner():
    result = hubei(date(2025, 1, 15), "newborn", birth_date=date(2024, 9, 1))
    assert (result.waiting_months, result.cover_starts) == (3, date(2025, 4, 15))
    assert only(result.steps, "waiting_fixed").params["reason"] == "late"


def test_a_baby_born_before_the_coverage_year_is_covered_from_1_january():
    result = hubei(date(2024, 12, 10), "newborn", birth_date=date(2024, 11, 20))
    assert result.cover_starts == date(2025, 1, 1)


def test_a_newborn_paying_in_the_late_period_pays_the_normal_amount_and_does_not_wait():
    result = when(
        ZHEJIANG_2025, date(2025, 1, 10), "newborn", ZHEJIANG_2025_ORDINARY, birth_date=date(2024, 12, 20)
    )
    assert result.window_status == "late"
    assert (result.amount_due, result.waiting_months, result.cover_starts) == (
        D("400.00"),
        0,
        date(2025, 1, 1),
    )


def test_a_newborn_before_the_window_opens_is_checked_against_the_opening_day():
    inside = hubei(date(2024, 8, 1), "newborn", birth_date=date(2024, 7, 1))
    assert steps_with(inside.steps, "newborn") != ()
    too_late = hubei(date(2024, 6, 1), "newborn", birth_date=date(2024, 5, 1))
    assert steps_with(too_late.steps, "newborn_too_late") != ()
    assert too_late.cover_starts == date(2025, 1, 1)  # a new joiner paying on time


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "renewing"},
        {"status": "newborn"},  # no birth date
        {"status": "newborn", "birth_date": date(2025, 1, 2)},  # paid before birth
        {"status": "newborn", "birth_date": date(2026, 1, 1), "paid_on": date(2026, 1, 2)},  # born after 2025
        {"status": "lapsed", "gap_years": -1},
        {"status": "lapsed", "gap_years": 0},
        {"status": "lapsed", "gap_years": 2, "repaid_years": 3},
        {"status": "lapsed", "gap_years": 2, "repaid_years": -1},
        {"status": "continuous", "gap_years": 2},
        {"status": "new", "repaid_years": 1},
        {"status": "newborn", "birth_date": date(2024, 12, 1), "gap_years": 1},
        {"coverage_year": 2024},
        {"group": ""},
    ],
)
def test_inconsistent_cases_are_refused(fields):
    values = {"coverage_year": 2025, "paid_on": date(2025, 1, 1), "status": "continuous"} | fields
    with pytest.raises(InvalidInputError):
        calculate_deadline(DeadlineCase(**values), HUBEI_2025, NATIONAL_WAITING, None)


def test_a_negative_gap_is_a_value_error():
    with pytest.raises(ValueError):
        hubei(date(2025, 1, 1), "lapsed", gap_years=-1)


def test_a_newborn_without_birth_date_is_a_value_error():
    with pytest.raises(ValueError):
        hubei(date(2025, 1, 1), "newborn")


@pytest.mark.parametrize(
    "contribution",
    [
        replace(HUBEI_2025_ORDINARY, coverage_year=2024),
        replace(HUBEI_2025_ORDINARY, group="low_income"),
    ],
)
def test_a_contribution_for_another_year_or_group_is_refused(contribution):
    with pytest.raises(InvalidInputError):
        when(HUBEI_2025, date(2024, 10, 1), contribution=contribution)


@pytest.mark.parametrize(
    "change",
    [
        {"start": date(2025, 1, 1)},
        {"late_deadline": date(2024, 12, 30)},
        {"late_cover": "never"},
    ],
)
def test_malformed_windows_are_refused(change):
    with pytest.raises(InvalidRuleError):
        when(replace(HUBEI_2025, **change), date(2024, 10, 1))


@pytest.mark.parametrize(
    "field",
    [
        "fixed_months",
        "months_per_gap_year",
        "free_gap_years",
        "months_removed_per_repaid_year",
        "newborn_days",
    ],
)
def test_malformed_waiting_policies_are_refused(field):
    with pytest.raises(InvalidRuleError):
        when(HUBEI_2025, date(2024, 10, 1), policy=replace(NATIONAL_WAITING, **{field: -1}))


def test_a_datetime_is_not_a_payment_date():
    with pytest.raises(TypeError):
        when(HUBEI_2025, datetime(2024, 10, 1, 12, 0))


def test_a_fractional_gap_is_refused():
    with pytest.raises(TypeError):
        hubei(date(2024, 10, 1), "lapsed", gap_years=1.5)


# --- Properties -----------------------------------------------------------------------------------


@st.composite
def scenarios(draw):
    year = draw(st.integers(min_value=2020, max_value=2030))
    start = draw(st.dates(min_value=date(year - 1, 6, 1), max_value=date(year - 1, 12, 31)))
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=250)))
    late_deadline = draw(
        st.none() | st.integers(min_value=0, max_value=365).map(lambda n: end + timedelta(days=n))
    )
    window = replace(
        HUBEI_2025,
        coverage_year=year,
        start=start,
        end=end,
        late_deadline=late_deadline,
        late_cover=draw(st.sampled_from(["after_waiting", "year_start"])),
    )
    policy = replace(
        NATIONAL_WAITING,
        fixed_months=draw(st.integers(0, 6)),
        months_per_gap_year=draw(st.integers(0, 3)),
        free_gap_years=draw(st.integers(0, 3)),
        months_removed_per_repaid_year=draw(st.integers(0, 3)),
        newborn_days=draw(st.integers(0, 180)),
    )
    status = draw(st.sampled_from(["continuous", "new", "lapsed", "newborn"]))
    paid_on = draw(st.dates(min_value=date(year - 1, 1, 1), max_value=date(year + 1, 3, 31)))
    gap = repaid = 0
    birth = None
    if status == "lapsed":
        gap = draw(st.integers(1, 15))
        repaid = draw(st.integers(0, gap))
    if status == "newborn":
        birth = draw(st.dates(min_value=date(year - 2, 1, 1), max_value=min(paid_on, date(year, 12, 31))))
        assume(birth <= paid_on)
    group = draw(st.sampled_from(["ordinary", "extreme_poverty"]))
    contribution = draw(st.none() | st.just(Contribution("any", year, group, D("400"), D("670"), D("1070"))))
    case = DeadlineCase(year, paid_on, status, gap, repaid, birth, group)
    return case, window, policy, contribution


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios())
def test_cover_never_starts_outside_the_coverage_year_and_waiting_is_never_negative(scenario):
    case, window, policy, contribution = scenario
    result = calculate_deadline(case, window, policy, contribution)
    assert result.waiting_months >= 0
    assert result.cover_ends == date(case.coverage_year, 12, 31)
    if result.cover_starts is not None:
        assert date(case.coverage_year, 1, 1) <= result.cover_starts <= result.cover_ends
        if result.waiting_months > 0:
            assert result.cover_starts > case.paid_on
    if result.window_status in ("open", "late"):
        assert result.days_left >= 0
    else:
        assert result.days_left is None
    assert (result.days_until_open is not None) == (result.window_status == "not_open")
    newborn_covered = bool(steps_with(result.steps, "newborn"))
    if result.window_status == "closed" and not newborn_covered:
        assert (result.cover_starts, result.amount_due) == (None, None)
    if contribution is None:
        assert result.amount_due is None
    if case.group == "extreme_poverty" or newborn_covered:
        assert result.waiting_months == 0
