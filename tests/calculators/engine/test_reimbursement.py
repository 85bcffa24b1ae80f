from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.engine.errors import InvalidInputError, InvalidRuleError
from calculators.engine.reimbursement import ReimbursementCase, calculate_reimbursement
from calculators.engine.rules import Band, BenefitRule, SeriousIllnessRule
from calculators.engine.steps import step_codes, steps_with
from tests.calculators.engine.seeds import (
    ANHUI_LEVEL1,
    ANHUI_LEVEL2,
    ANHUI_LEVEL3,
    HANZHONG_SERIOUS,
    JINHUA_SPECIAL_DISEASE,
    LISHUI_EMPLOYEE_COMMUNITY,
    LISHUI_EMPLOYEE_LEVEL2,
    LISHUI_EMPLOYEE_LEVEL3,
    LISHUI_GRASSROOTS,
    LISHUI_LEVEL3,
    LISHUI_LEVEL12,
    LISHUI_RETIRED_COMMUNITY,
    LISHUI_RETIRED_LEVEL2,
    LISHUI_RETIRED_LEVEL3,
    NOTHING_FROM_THE_FUND,
    SERIOUS_EXAMPLE,
    jinhua_outpatient,
)


def pay(rule, cost, serious=None, **case):
    return calculate_reimbursement(ReimbursementCase(cost=D(cost), **case), rule, serious)


def only(steps, code):
    found = steps_with(steps, code)
    assert len(found) == 1, f"expected one {code!r} step, got {found}"
    return found[0]


def assert_adds_up(result):
    assert result.fund_pays + result.serious_illness_pays + result.you_pay == result.cost


# --- Lishui residents, inpatient ------------------------------------------------------------------


def test_lishui_level3_stay_of_50000_gets_34300_from_the_fund():
    result = pay(LISHUI_LEVEL3, "50000")
    assert result.fund_pays == D("34300.00")
    assert result.serious_illness_pays == D("0.00")
    assert result.you_pay == D("15700.00")
    assert result.cost == D("50000.00")
    assert_adds_up(result)


def test_lishui_level3_working_shows_deductible_band_and_total():
    result = pay(LISHUI_LEVEL3, "50000")
    assert step_codes(result.steps) == ("deductible", "band", "fund_total", "you_pay")
    deductible = only(result.steps, "deductible")
    assert deductible.amount == D("1000")
    assert deductible.params == {"deductible": D("1000"), "per": "admission", "remaining": D("1000")}
    band = only(result.steps, "band")
    assert band.amount == D("34300")
    assert band.params == {
        "lower": D("0"),
        "upper": None,
        "base_ratio": D("70"),
        "bonus": D("0"),
        "ratio": D("70"),
        "base": D("49000"),
    }
    assert only(result.steps, "fund_total").amount == D("34300.00")
    assert only(result.steps, "you_pay").amount == D("15700.00")


def test_every_fund_step_cites_the_rule_and_you_pay_cites_nothing():
    result = pay(LISHUI_LEVEL3, "50000")
    for step in result.steps[:-1]:
        assert step.source is LISHUI_LEVEL3.source
    assert only(result.steps, "you_pay").source is None


def test_lishui_grassroots_stay_of_10000_gets_7680_from_the_fund():
    result = pay(LISHUI_GRASSROOTS, "10000")
    assert (result.fund_pays, result.you_pay) == (D("7680.00"), D("2320.00"))


def test_lishui_level1_or_2_stay_of_20000_gets_14550_from_the_fund():
    result = pay(LISHUI_LEVEL12, "20000")
    assert (result.fund_pays, result.you_pay) == (D("14550.00"), D("5450.00"))


def test_a_stay_cheaper_than_the_deductible_gets_nothing():
    result = pay(LISHUI_GRASSROOTS, "300")
    assert (result.fund_pays, result.you_pay) == (D("0.00"), D("300.00"))
    assert only(result.steps, "deductible").amount == D("300")
    assert steps_with(result.steps, "band") == ()


def test_a_stay_costing_exactly_the_deductible_gets_nothing():
    result = pay(LISHUI_LEVEL12, "600")
    assert result.fund_pays == D("0.00")
    assert steps_with(result.steps, "band") == ()


def test_one_yuan_above_the_deductible_is_paid_at_the_band_ratio():
    assert pay(LISHUI_LEVEL3, "1001").fund_pays == D("0.70")


def test_the_admission_deductible_is_charged_on_every_admission():
    result = pay(LISHUI_LEVEL3, "50000", deductible_met_this_year=D("1000"))
    assert result.fund_pays == D("34300.00")
    assert "already_met" not in only(result.steps, "deductible").params


def test_zero_cost_pays_nothing_and_all_percentages_are_zero():
    result = pay(LISHUI_LEVEL3, "0", SERIOUS_EXAMPLE)
    assert (result.cost, result.fund_pays, result.serious_illness_pays, result.you_pay) == (D("0.00"),) * 4
    assert (result.fund_percent, result.serious_percent, result.you_percent) == (D("0.0"),) * 3
    assert result.covered_percent == D("0.0")


# --- Annual limit ---------------------------------------------------------------------------------


def test_the_annual_limit_cuts_what_the_fund_pays():
    result = pay(LISHUI_LEVEL3, "50000", paid_this_year=D("90000"))
    assert result.fund_pays == D("10000.00")
    assert result.you_pay == D("40000.00")
    limit = only(result.steps, "annual_limit")
    assert limit.amount == D("24300")
    assert limit.params == {
        "limit": D("100000"),
        "paid_this_year": D("90000"),
        "available": D("10000"),
        "before": D("34300"),
        "supplementary": False,
    }
    assert step_codes(result.steps) == ("deductible", "band", "annual_limit", "fund_total", "you_pay")


def test_above_lishuis_limit_supplementary_insurance_is_named_not_calculated():
    rule = replace(LISHUI_LEVEL3, supplementary_above_limit=True)
    result = pay(rule, "300000")
    assert result.fund_pays == D("100000.00")
    assert result.serious_illness_pays == D("0")
    assert result.you_pay == D("200000.00")
    assert only(result.steps, "annual_limit").params["supplementary"] is True


def test_a_single_big_stay_is_cut_at_the_annual_limit():
    result = pay(LISHUI_LEVEL3, "300000")
    assert result.fund_pays == D("100000.00")
    assert only(result.steps, "annual_limit").amount == D("109300")


def test_no_annual_limit_step_when_the_limit_is_not_reached():
    result = pay(LISHUI_LEVEL3, "50000", paid_this_year=D("65700"))
    assert result.fund_pays == D("34300.00")  # exactly reaches 100,000
    assert steps_with(result.steps, "annual_limit") == ()


def test_a_used_up_limit_leaves_nothing_from_the_fund():
    result = pay(LISHUI_LEVEL3, "50000", paid_this_year=D("100000"))
    assert result.fund_pays == D("0.00")
    assert only(result.steps, "annual_limit").params["available"] == D("0")


def test_paid_this_year_above_the_limit_never_makes_the_fund_negative():
    result = pay(LISHUI_LEVEL3, "50000", paid_this_year=D("120000"))
    assert result.fund_pays == D("0.00")
    assert result.you_pay == D("50000.00")
    assert only(result.steps, "annual_limit").params["available"] == D("0")


def test_no_annual_limit_set_means_no_cut_however_much_was_paid():
    result = pay(LISHUI_EMPLOYEE_LEVEL3, "50000", paid_this_year=D("900000"))
    assert result.fund_pays == D("40670.00")
    assert steps_with(result.steps, "annual_limit") == ()


# --- Lishui employees and Anhui residents ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "fund"),
    [
        (LISHUI_EMPLOYEE_COMMUNITY, "8280.00"),
        (LISHUI_EMPLOYEE_LEVEL2, "7830.00"),
        (LISHUI_EMPLOYEE_LEVEL3, "7470.00"),
        (LISHUI_RETIRED_COMMUNITY, "8550.00"),
        (LISHUI_RETIRED_LEVEL2, "8100.00"),
        (LISHUI_RETIRED_LEVEL3, "7740.00"),
    ],
)
def test_lishui_employee_stay_of_10000_pays_the_ratio_of_what_is_above_1000(rule, fund):
    result = pay(rule, "10000")
    assert result.fund_pays == D(fund)
    assert_adds_up(result)


@pytest.mark.parametrize(
    ("rule", "cost", "fund"),
    [
        (ANHUI_LEVEL1, "5000", "4080.00"),
        (ANHUI_LEVEL2, "10000", "7600.00"),
        (ANHUI_LEVEL3, "20000", "13510.00"),
    ],
)
def test_anhui_residents_inpatient_by_level(rule, cost, fund):
    assert pay(rule, cost).fund_pays == D(fund)


# --- Yearly deductible ----------------------------------------------------------------------------


def test_a_yearly_deductible_charges_only_what_is_not_yet_met():
    result = pay(JINHUA_SPECIAL_DISEASE, "1000", deductible_met_this_year=D("300"))
    deductible = only(result.steps, "deductible")
    assert deductible.amount == D("200")
    assert deductible.params == {
        "deductible": D("500"),
        "per": "year",
        "remaining": D("200"),
        "already_met": D("300"),
    }
    assert result.fund_pays == D("560.00")  # 800 x 70%


def test_a_yearly_deductible_already_met_is_not_charged_again():
    result = pay(JINHUA_SPECIAL_DISEASE, "1000", deductible_met_this_year=D("500"))
    assert only(result.steps, "deductible").amount == D("0")
    assert result.fund_pays == D("700.00")


def test_more_met_than_the_yearly_deductible_counts_as_met():
    result = pay(JINHUA_SPECIAL_DISEASE, "1000", deductible_met_this_year=D("800"))
    assert only(result.steps, "deductible").params["remaining"] == D("0")
    assert result.fund_pays == D("700.00")


def test_a_first_visit_pays_the_whole_yearly_deductible():
    assert pay(JINHUA_SPECIAL_DISEASE, "1000").fund_pays == D("350.00")


# --- Bonuses (Jinhua general outpatient) ----------------------------------------------------------


def test_jinhua_outpatient_without_bonus_pays_half():
    result = pay(jinhua_outpatient(), "1000")
    assert result.fund_pays == D("500.00")
    assert steps_with(result.steps, "bonus_signed") == ()
    assert steps_with(result.steps, "bonus_mountain") == ()


def test_a_signed_family_doctor_adds_10_points():
    result = pay(jinhua_outpatient(), "1000", signed=True)
    assert result.fund_pays == D("600.00")
    assert only(result.steps, "bonus_signed").params == {"points": D("10")}
    band = only(result.steps, "band")
    assert (band.params["base_ratio"], band.params["bonus"], band.params["ratio"]) == (
        D("50"),
        D("10"),
        D("60"),
    )


def test_signed_at_a_mountain_township_centre_gets_15_points_instead_of_10():
    result = pay(jinhua_outpatient(), "1000", signed=True, mountain=True)
    assert result.fund_pays == D("650.00")
    assert step_codes(result.steps)[:2] == ("deductible", "bonus_mountain")
    assert steps_with(result.steps, "bonus_signed") == ()
    assert only(result.steps, "bonus_mountain").params == {"points": D("15")}
    assert only(result.steps, "band").params["ratio"] == D("65")


def test_no_bonus_without_signing_even_in_a_mountain_township():
    result = pay(jinhua_outpatient(), "1000", mountain=True)
    assert result.fund_pays == D("500.00")
    assert steps_with(result.steps, "bonus_signed") == ()
    assert steps_with(result.steps, "bonus_mountain") == ()
    assert step_codes(result.steps)[:2] == ("deductible", "bonus_needs_signing")


def test_jinhua_chronic_outpatient_gets_5_points_when_signed_and_10_in_a_mountain_township():
    chronic = replace(jinhua_outpatient(ratio="80", limit="5000"), signed_bonus=D("5"), mountain_bonus=D("10"))
    assert pay(chronic, "1000", signed=True).fund_pays == D("850.00")
    assert pay(chronic, "1000", signed=True, mountain=True).fund_pays == D("900.00")
    assert pay(chronic, "1000", mountain=True).fund_pays == D("800.00")


def test_a_rule_without_a_mountain_bonus_gives_the_signed_bonus_in_the_mountains_too():
    rule = replace(jinhua_outpatient(), mountain_bonus=D("0"))
    result = pay(rule, "1000", signed=True, mountain=True)
    assert result.fund_pays == D("600.00")
    assert only(result.steps, "bonus_signed").params == {"points": D("10")}


def test_being_signed_gives_nothing_where_the_rule_has_no_bonus():
    result = pay(LISHUI_LEVEL3, "50000", signed=True, mountain=True)
    assert result.fund_pays == D("34300.00")
    assert steps_with(result.steps, "bonus_signed") == ()
    assert steps_with(result.steps, "bonus_mountain") == ()


def test_bonuses_never_push_a_ratio_above_100():
    rule = replace(jinhua_outpatient(), bands=(Band(D("0"), None, D("95")),))
    result = pay(rule, "1000", signed=True, mountain=True)
    assert only(result.steps, "band").params["ratio"] == D("100")
    assert result.fund_pays == D("1000.00")
    assert result.you_pay == D("0.00")


def test_jinhua_outpatient_is_capped_at_3000_a_year():
    result = pay(jinhua_outpatient(), "8000", signed=True)
    assert result.fund_pays == D("3000.00")
    assert only(result.steps, "annual_limit").amount == D("1800")


def test_jinhua_tier_3_outpatient_is_capped_at_1500_a_year_minus_what_was_paid():
    result = pay(jinhua_outpatient(limit="1500"), "2000", paid_this_year=D("1200"))
    assert result.fund_pays == D("300.00")


# --- Bands ----------------------------------------------------------------------------------------

TIERED = BenefitRule(
    region="example",
    coverage_year=2024,
    deductible=D("1000"),
    deductible_per="admission",
    bands=(Band(D("0"), D("10000"), D("60")), Band(D("10000"), None, D("70"))),
    annual_limit=None,
)


def test_bands_slice_the_amount_above_the_deductible_piece_by_piece():
    result = pay(TIERED, "31000")
    bands = steps_with(result.steps, "band")
    assert [(b.params["base"], b.params["ratio"], b.amount) for b in bands] == [
        (D("10000"), D("60"), D("6000")),
        (D("20000"), D("70"), D("14000")),
    ]
    assert result.fund_pays == D("20000.00")


def test_a_cost_inside_the_first_band_uses_only_that_band():
    result = pay(TIERED, "6000")
    assert len(steps_with(result.steps, "band")) == 1
    assert result.fund_pays == D("3000.00")


def test_a_gap_between_bands_is_not_paid():
    rule = replace(
        TIERED, deductible=D("0"), bands=(Band(D("0"), D("1000"), D("50")), Band(D("2000"), None, D("50")))
    )
    result = pay(rule, "3000")
    assert result.fund_pays == D("1000.00")
    assert [b.params["base"] for b in steps_with(result.steps, "band")] == [D("1000"), D("1000")]


def test_cost_above_a_closed_last_band_is_not_paid():
    rule = replace(TIERED, deductible=D("0"), bands=(Band(D("0"), D("1000"), D("50")),))
    assert pay(rule, "3000").fund_pays == D("500.00")


# --- Rounding -------------------------------------------------------------------------------------


def test_the_fund_share_is_rounded_half_up_once_at_the_end():
    rule = replace(TIERED, deductible=D("0"), bands=(Band(D("0"), None, D("50")),))
    result = pay(rule, "100.05")
    assert only(result.steps, "band").amount == D("50.025")  # steps keep the exact amount
    assert result.fund_pays == D("50.03")
    assert result.you_pay == D("50.02")
    assert_adds_up(result)


def test_band_parts_are_added_before_rounding():
    rule = replace(
        TIERED, deductible=D("0"), bands=(Band(D("0"), D("0.01"), D("50")), Band(D("0.01"), None, D("50")))
    )
    result = pay(rule, "0.02")
    assert [b.amount for b in steps_with(result.steps, "band")] == [D("0.005"), D("0.005")]
    assert result.fund_pays == D("0.01")  # not 0.01 + 0.01


def test_results_always_carry_two_decimal_places():
    result = pay(LISHUI_LEVEL3, "50000", SERIOUS_EXAMPLE)
    for amount in (result.cost, result.fund_pays, result.serious_illness_pays, result.you_pay):
        assert amount.as_tuple().exponent == -2


# --- Serious illness ------------------------------------------------------------------------------


def test_lishui_level3_stay_of_300000_with_serious_illness_insurance():
    result = pay(LISHUI_LEVEL3, "300000", SERIOUS_EXAMPLE)
    assert result.fund_pays == D("100000.00")
    # burden 200,000: 87,000 x 60% + 100,000 x 65%
    assert result.serious_illness_pays == D("117200.00")
    assert result.you_pay == D("82800.00")
    assert result.serious_rule is SERIOUS_EXAMPLE
    assert result.rule is LISHUI_LEVEL3
    assert step_codes(result.steps) == (
        "deductible",
        "band",
        "annual_limit",
        "fund_total",
        "serious_deductible",
        "serious_band",
        "serious_band",
        "serious_total",
        "you_pay",
    )


def test_serious_steps_show_the_burden_and_each_absolute_band():
    result = pay(LISHUI_LEVEL3, "300000", SERIOUS_EXAMPLE)
    deductible = only(result.steps, "serious_deductible")
    assert deductible.amount == D("13000")
    assert deductible.params == {
        "deductible": D("13000"),
        "standard_deductible": D("13000"),
        "reduced": False,
        "group": "ordinary",
        "burden": D("200000.00"),
        "burden_before": D("0"),
    }
    first, second = steps_with(result.steps, "serious_band")
    assert first.params == {
        "lower": D("13000"),
        "upper": D("100000"),
        "ratio": D("60"),
        "from": D("13000"),
        "to": D("100000"),
        "base": D("87000"),
    }
    assert first.amount == D("52200")
    assert second.params["base"] == D("100000.00")
    assert second.amount == D("65000")
    assert only(result.steps, "serious_total").amount == D("117200.00")
    for step in result.steps[4:-1]:
        assert step.source is SERIOUS_EXAMPLE.source


def test_serious_illness_pays_60_percent_of_the_burden_between_13000_and_100000():
    result = pay(NOTHING_FROM_THE_FUND, "50000", SERIOUS_EXAMPLE)
    assert result.serious_illness_pays == D("22200.00")  # 37,000 x 60%


def test_a_burden_below_the_serious_deductible_gets_nothing_from_serious_illness():
    result = pay(LISHUI_LEVEL3, "40000", SERIOUS_EXAMPLE)
    # fund 27,300, burden 12,700 < 13,000
    assert result.serious_illness_pays == D("0.00")
    assert only(result.steps, "serious_deductible").params["burden"] == D("12700.00")
    assert steps_with(result.steps, "serious_band") == ()
    assert only(result.steps, "serious_total").amount == D("0.00")


def test_every_serious_band_is_used_for_a_burden_of_500000():
    result = pay(NOTHING_FROM_THE_FUND, "500000", SERIOUS_EXAMPLE)
    assert [b.amount for b in steps_with(result.steps, "serious_band")] == [
        D("52200"),
        D("65000"),
        D("70000"),
        D("150000"),
    ]
    assert result.serious_illness_pays == D("337200.00")
    assert result.you_pay == D("162800.00")
    assert steps_with(result.steps, "serious_cap") == ()


def test_serious_illness_is_capped_at_400000_a_year():
    result = pay(NOTHING_FROM_THE_FUND, "600000", SERIOUS_EXAMPLE)
    assert result.serious_illness_pays == D("400000.00")
    cap = only(result.steps, "serious_cap")
    assert cap.amount == D("12200")
    assert cap.params == {
        "cap": D("400000"),
        "paid_this_year": D("0"),
        "available": D("400000"),
        "before": D("412200"),
    }


def test_serious_illness_already_paid_this_year_counts_against_the_cap():
    result = pay(NOTHING_FROM_THE_FUND, "200000", SERIOUS_EXAMPLE, serious_paid_this_year=D("350000"))
    assert result.serious_illness_pays == D("50000.00")
    assert only(result.steps, "serious_cap").params["available"] == D("50000")


def test_a_serious_cap_already_exceeded_pays_nothing_more():
    result = pay(NOTHING_FROM_THE_FUND, "200000", SERIOUS_EXAMPLE, serious_paid_this_year=D("450000"))
    assert result.serious_illness_pays == D("0.00")
    assert result.you_pay == D("200000.00")


@pytest.mark.parametrize("group", ["low_income", "extreme_poverty"])
def test_low_income_and_extreme_poverty_start_serious_illness_at_5000(group):
    result = pay(NOTHING_FROM_THE_FUND, "50000", SERIOUS_EXAMPLE, group=group)
    assert result.serious_illness_pays == D("27000.00")  # 45,000 x 60%
    deductible = only(result.steps, "serious_deductible")
    assert (deductible.amount, deductible.params["reduced"], deductible.params["group"]) == (
        D("5000"),
        True,
        group,
    )
    band = only(result.steps, "serious_band")
    assert (band.params["lower"], band.params["from"], band.params["to"]) == (
        D("5000"),
        D("5000"),
        D("50000"),
    )


def test_a_reduced_group_without_a_reduced_deductible_uses_the_standard_one():
    rule = replace(SERIOUS_EXAMPLE, reduced_deductible=None)
    result = pay(NOTHING_FROM_THE_FUND, "50000", rule, group="low_income")
    assert result.serious_illness_pays == D("22200.00")
    assert only(result.steps, "serious_deductible").params["reduced"] is False


def test_burden_carried_earlier_in_the_year_counts_towards_the_serious_deductible():
    result = pay(NOTHING_FROM_THE_FUND, "10000", SERIOUS_EXAMPLE, serious_burden_this_year=D("10000"))
    band = only(result.steps, "serious_band")
    assert (band.params["from"], band.params["to"]) == (D("13000"), D("20000"))
    assert result.serious_illness_pays == D("4200.00")  # 7,000 x 60%


def test_burden_carried_earlier_can_move_this_case_into_a_higher_serious_band():
    result = pay(NOTHING_FROM_THE_FUND, "20000", SERIOUS_EXAMPLE, serious_burden_this_year=D("90000"))
    assert [
        (b.params["from"], b.params["to"], b.amount) for b in steps_with(result.steps, "serious_band")
    ] == [
        (D("90000"), D("100000"), D("6000")),
        (D("100000"), D("110000"), D("6500")),
    ]


def test_hanzhong_burden_of_25000_gets_60_percent_above_10000():
    assert pay(NOTHING_FROM_THE_FUND, "25000", HANZHONG_SERIOUS).serious_illness_pays == D("9000.00")


def test_hanzhong_burden_of_50000_gets_60_then_70_percent():
    result = pay(NOTHING_FROM_THE_FUND, "50000", HANZHONG_SERIOUS)
    assert result.serious_illness_pays == D("26000.00")  # 20,000 x 60% + 20,000 x 70%


def test_hanzhong_burden_above_the_last_seed_band_gets_nothing_more():
    result = pay(NOTHING_FROM_THE_FUND, "100000", HANZHONG_SERIOUS)
    assert result.serious_illness_pays == D("47000.00")
    assert steps_with(result.steps, "serious_cap") == ()  # no cap set


def test_a_serious_band_lying_wholly_below_the_deductible_is_skipped():
    rule = replace(
        HANZHONG_SERIOUS,
        deductible=D("40000"),
        bands=(Band(D("10000"), D("30000"), D("60")), Band(D("30000"), D("80000"), D("70"))),
    )
    result = pay(NOTHING_FROM_THE_FUND, "50000", rule)
    band = only(result.steps, "serious_band")
    assert (band.params["lower"], band.params["base"], band.amount) == (D("40000"), D("10000"), D("7000"))


def test_a_first_serious_band_above_the_deductible_is_stretched_down_to_it():
    rule = replace(HANZHONG_SERIOUS, deductible=D("8000"))
    result = pay(NOTHING_FROM_THE_FUND, "20000", rule)
    assert result.serious_illness_pays == D("7200.00")  # 12,000 x 60%


def test_without_serious_illness_insurance_there_are_no_serious_steps():
    result = pay(LISHUI_LEVEL3, "300000")
    assert result.serious_illness_pays == D("0.00")
    assert result.serious_rule is None
    assert not any(code.startswith("serious") for code in step_codes(result.steps))


# --- Percentages for the bar ----------------------------------------------------------------------


def test_percentages_of_the_cost_for_the_bar():
    result = pay(LISHUI_LEVEL3, "50000")
    assert (result.fund_percent, result.serious_percent, result.you_percent) == (
        D("68.6"),
        D("0.0"),
        D("31.4"),
    )


def test_percentages_add_up_to_100_even_when_each_would_round_up():
    # fund 100,000 (33.33..%), serious 117,200 (39.06..%), you 82,800 (27.6%)
    result = pay(LISHUI_LEVEL3, "300000", SERIOUS_EXAMPLE)
    assert result.fund_percent == D("33.3")
    assert result.covered_percent == D("72.4")
    assert result.serious_percent == D("39.1")
    assert result.you_percent == D("27.6")
    assert result.covered == D("217200.00")
    # thirds: each share 33.33..% would round to 33.3 and sum to 99.9
    rule = replace(TIERED, deductible=D("0"), bands=(Band(D("0"), None, D("50")),))
    serious = replace(HANZHONG_SERIOUS, deductible=D("0"), bands=(Band(D("0"), None, D("50")),))
    thirds = pay(rule, "3", serious)
    assert (thirds.fund_pays, thirds.serious_illness_pays, thirds.you_pay) == (
        D("1.50"),
        D("0.75"),
        D("0.75"),
    )
    assert thirds.fund_percent + thirds.serious_percent + thirds.you_percent == D("100.0")


# --- Bad input ------------------------------------------------------------------------------------


def test_a_negative_cost_is_refused():
    with pytest.raises(ValueError):
        pay(LISHUI_LEVEL3, "-1")


@pytest.mark.parametrize(
    "field",
    ["paid_this_year", "deductible_met_this_year", "serious_paid_this_year", "serious_burden_this_year"],
)
def test_negative_amounts_already_paid_are_refused(field):
    with pytest.raises(InvalidInputError):
        pay(LISHUI_LEVEL3, "100", SERIOUS_EXAMPLE, **{field: D("-0.01")})


def test_a_cost_finer_than_the_fen_is_refused():
    with pytest.raises(InvalidInputError):
        pay(LISHUI_LEVEL3, "100.001")


def test_a_cost_that_is_not_a_number_is_refused():
    with pytest.raises(InvalidInputError):
        pay(LISHUI_LEVEL3, "NaN")
    with pytest.raises(InvalidInputError):
        pay(LISHUI_LEVEL3, "Infinity")


def test_a_float_cost_is_refused():
    with pytest.raises(TypeError):
        calculate_reimbursement(ReimbursementCase(cost=100.5), LISHUI_LEVEL3)


def test_an_int_cost_is_accepted():
    assert calculate_reimbursement(ReimbursementCase(cost=50000), LISHUI_LEVEL3).fund_pays == D("34300.00")


def test_an_empty_group_is_refused():
    with pytest.raises(InvalidInputError):
        pay(LISHUI_LEVEL3, "100", group="")


@pytest.mark.parametrize(
    "change",
    [
        {"deductible_per": "visit"},
        {"deductible": D("-1")},
        {"annual_limit": D("-1")},
        {"signed_bonus": D("-5")},
        {"mountain_bonus": D("-5")},
        {"bands": ()},
        {"bands": (Band(D("0"), None, D("101")),)},
        {"bands": (Band(D("0"), None, D("-1")),)},
        {"bands": (Band(D("-1"), None, D("50")),)},
        {"bands": (Band(D("0"), D("0"), D("50")),)},
        {"bands": (Band(D("0"), None, D("50")), Band(D("100"), None, D("60")))},
        {"bands": (Band(D("0"), D("200"), D("50")), Band(D("100"), None, D("60")))},
    ],
)
def test_malformed_benefit_rules_are_refused(change):
    with pytest.raises(InvalidRuleError):
        pay(replace(LISHUI_LEVEL3, **change), "100")


@pytest.mark.parametrize(
    "change",
    [
        {"deductible": D("-1")},
        {"reduced_deductible": D("-1")},
        {"annual_cap": D("-1")},
        {"bands": ()},
        {"bands": (Band(D("13000"), D("10000"), D("60")),)},
    ],
)
def test_malformed_serious_illness_rules_are_refused(change):
    with pytest.raises(InvalidRuleError):
        pay(LISHUI_LEVEL3, "100", replace(SERIOUS_EXAMPLE, **change))


def test_input_errors_are_value_errors():
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(InvalidRuleError, ValueError)


# --- Properties -----------------------------------------------------------------------------------

FEN = D("0.01")
money = st.integers(min_value=0, max_value=100_000_000).map(lambda n: D(n) * FEN)  # 0 to 1,000,000 yuan
ratios = st.integers(min_value=0, max_value=1000).map(lambda n: D(n) / 10)  # 0.0 to 100.0


@st.composite
def band_sets(draw, first_lower=D("0")):
    cuts = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=400_000), max_size=4))))
    bounds = [first_lower] + [first_lower + D(c) for c in cuts]
    open_ended = draw(st.booleans())
    bands = []
    for i, lower in enumerate(bounds):
        upper = (
            bounds[i + 1]
            if i + 1 < len(bounds)
            else (None if open_ended else lower + D(draw(st.integers(1, 1000))))
        )
        if draw(st.booleans()) or i == 0:  # sometimes leave a gap
            bands.append(Band(lower, upper, draw(ratios)))
    return tuple(bands)


@st.composite
def benefit_rules(draw):
    return BenefitRule(
        region="any",
        coverage_year=2025,
        deductible=draw(money.filter(lambda m: m <= 20000)),
        deductible_per=draw(st.sampled_from(["admission", "year"])),
        bands=draw(band_sets()),
        annual_limit=draw(st.none() | money),
        signed_bonus=draw(st.sampled_from([D("0"), D("5"), D("10"), D("15")])),
        mountain_bonus=draw(st.sampled_from([D("0"), D("5"), D("15")])),
    )


@st.composite
def serious_rules(draw):
    deductible = draw(money.filter(lambda m: m <= 30000))
    return SeriousIllnessRule(
        region="any",
        coverage_year=2025,
        deductible=deductible,
        reduced_deductible=draw(st.none() | money.filter(lambda m: m <= deductible)),
        reduced_groups=frozenset({"low_income"}),
        bands=draw(band_sets(first_lower=draw(money.filter(lambda m: m <= 30000)))),
        annual_cap=draw(st.none() | money),
    )


@st.composite
def cases(draw):
    return ReimbursementCase(
        cost=draw(money),
        paid_this_year=draw(money),
        deductible_met_this_year=draw(money.filter(lambda m: m <= 30000)),
        group=draw(st.sampled_from(["ordinary", "low_income"])),
        signed=draw(st.booleans()),
        mountain=draw(st.booleans()),
        serious_paid_this_year=draw(money),
        serious_burden_this_year=draw(st.just(D("0")) | money),
    )


PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@PROPERTY_SETTINGS
@given(case=cases(), rule=benefit_rules(), serious=st.none() | serious_rules())
def test_the_parts_always_add_up_to_the_cost_and_none_is_negative(case, rule, serious):
    result = calculate_reimbursement(case, rule, serious)
    assert result.fund_pays + result.serious_illness_pays + result.you_pay == result.cost == case.cost
    for amount in (result.fund_pays, result.serious_illness_pays, result.you_pay):
        assert amount >= 0
        assert amount == amount.quantize(FEN)
    for step in result.steps:
        assert step.amount is None or step.amount >= 0
    percents = (result.fund_percent, result.serious_percent, result.you_percent)
    assert all(p >= 0 for p in percents)
    assert sum(percents) == (D("100.0") if case.cost else D("0.0"))


@PROPERTY_SETTINGS
@given(case=cases(), rule=benefit_rules(), serious=st.none() | serious_rules())
def test_the_fund_never_pays_more_than_what_is_left_of_the_annual_limit(case, rule, serious):
    result = calculate_reimbursement(case, rule, serious)
    if rule.annual_limit is not None:
        assert result.fund_pays <= max(D("0"), rule.annual_limit - case.paid_this_year)
    if serious is not None and serious.annual_cap is not None:
        assert result.serious_illness_pays <= max(D("0"), serious.annual_cap - case.serious_paid_this_year)


@PROPERTY_SETTINGS
@given(
    case=cases(),
    extra=money | st.integers(min_value=1, max_value=100).map(lambda n: D(n) * FEN),
    rule=benefit_rules(),
    serious=st.none() | serious_rules(),
)
def test_more_cost_never_means_less_paid_back(case, extra, rule, serious):
    smaller = calculate_reimbursement(case, rule, serious)
    larger = calculate_reimbursement(replace(case, cost=case.cost + extra), rule, serious)
    assert larger.fund_pays >= smaller.fund_pays
    assert larger.serious_illness_pays >= smaller.serious_illness_pays
    # ratios are at most 100%, so the patient's own share never falls either
    assert larger.you_pay >= smaller.you_pay
