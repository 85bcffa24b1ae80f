from dataclasses import replace
from decimal import Decimal as D

import pytest

from calculators.engine.contribution import ContributionLine, HouseholdMember, calculate_household
from calculators.engine.errors import InvalidInputError, InvalidRuleError, MissingRuleError
from calculators.engine.steps import step_codes, steps_with
from tests.calculators.engine.seeds import NATIONAL_2024, SEED_000


def household(*members):
    return calculate_household([HouseholdMember(group, count) for group, count in members], NATIONAL_2024)


def test_two_ordinary_residents_and_one_low_income_pay_950_in_2024():
    result = household(("ordinary", 2), ("low_income", 1))
    assert result.total_individual == D("950.00")
    assert result.total_subsidy == D("2110.00")  # 2 x 640 + 830
    assert result.total == D("3060.00")
    assert result.people == 3


def test_each_group_gets_a_line_with_its_own_figures_and_source():
    result = household(("ordinary", 2), ("low_income", 1))
    assert result.lines == (
        ContributionLine("ordinary", 2, D("380.00"), D("640.00"), D("760.00"), D("1280.00"), SEED_000),
        ContributionLine("low_income", 1, D("190.00"), D("830.00"), D("190.00"), D("830.00"), SEED_000),
    )


def test_household_steps_list_each_line_then_the_totals():
    result = household(("ordinary", 2), ("low_income", 1))
    assert step_codes(result.steps) == ("line", "line", "total_individual", "total_subsidy")
    first = steps_with(result.steps, "line")[0]
    assert first.amount == D("760.00")
    assert first.params == {
        "group": "ordinary",
        "count": 2,
        "individual_each": D("380.00"),
        "subsidy_each": D("640.00"),
        "subsidy_total": D("1280.00"),
        "coverage_year": 2024,
    }
    assert first.source is SEED_000
    assert steps_with(result.steps, "total_individual")[0].params == {"people": 3}
    assert steps_with(result.steps, "total_subsidy")[0].amount == D("2110.00")


def test_people_in_extreme_poverty_pay_nothing_and_the_state_pays_1020():
    result = household(("extreme_poverty", 1))
    assert (result.total_individual, result.total_subsidy) == (D("0.00"), D("1020.00"))


def test_groups_with_nobody_in_them_are_skipped():
    result = household(("ordinary", 2), ("low_income", 0))
    assert [line.group for line in result.lines] == ["ordinary"]
    assert result.total_individual == D("760.00")


def test_the_same_group_listed_twice_makes_one_line():
    result = household(("ordinary", 1), ("low_income", 1), ("ordinary", 2))
    assert [(line.group, line.count) for line in result.lines] == [("ordinary", 3), ("low_income", 1)]
    assert result.total_individual == D("1330.00")


def test_an_empty_household_pays_nothing():
    result = household()
    assert (result.lines, result.total_individual, result.total_subsidy, result.people) == (
        (),
        D("0.00"),
        D("0.00"),
        0,
    )
    assert step_codes(result.steps) == ("total_individual", "total_subsidy")


def test_a_group_without_a_contribution_rule_is_reported_by_name():
    with pytest.raises(MissingRuleError) as error:
        household(("ordinary", 1), ("student", 1))
    assert error.value.group == "student"
    assert "student" in str(error.value)
    assert isinstance(error.value, KeyError)


def test_a_missing_group_with_nobody_in_it_does_not_matter():
    assert household(("ordinary", 1), ("student", 0)).total_individual == D("380.00")


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        household(("ordinary", -1))
    with pytest.raises(InvalidInputError):
        household(("ordinary", -1))


def test_a_count_must_be_a_whole_number():
    with pytest.raises(TypeError):
        household(("ordinary", 1.5))
    with pytest.raises(TypeError):
        household(("ordinary", True))


def test_a_contribution_filed_under_the_wrong_group_is_refused():
    contributions = {"ordinary": NATIONAL_2024["low_income"]}
    with pytest.raises(InvalidRuleError):
        calculate_household([HouseholdMember("ordinary", 1)], contributions)


def test_contributions_from_different_years_are_not_mixed():
    contributions = dict(NATIONAL_2024, low_income=replace(NATIONAL_2024["low_income"], coverage_year=2025))
    with pytest.raises(InvalidRuleError):
        calculate_household([HouseholdMember("ordinary", 1), HouseholdMember("low_income", 1)], contributions)


def test_a_negative_contribution_is_refused():
    contributions = {"ordinary": replace(NATIONAL_2024["ordinary"], individual=D("-380"))}
    with pytest.raises(InvalidRuleError):
        calculate_household([HouseholdMember("ordinary", 1)], contributions)


def test_amounts_are_rounded_once_after_multiplying():
    contributions = {
        "ordinary": replace(NATIONAL_2024["ordinary"], individual=D("0.005"), subsidy=D("0.004"))
    }
    result = calculate_household([HouseholdMember("ordinary", 3)], contributions)
    assert result.total_individual == D("0.02")  # 0.015, not 3 x 0.01
    assert result.total_subsidy == D("0.01")  # 0.012
