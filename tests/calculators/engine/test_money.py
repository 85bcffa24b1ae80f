from decimal import Decimal as D

import pytest

from calculators.engine.errors import InvalidInputError, InvalidRuleError
from calculators.engine.money import case_money, percent_of, rule_money, rule_ratio, to_fen


def test_rounding_is_half_up_to_the_fen():
    assert to_fen(D("0.005")) == D("0.01")
    assert to_fen(D("0.0049")) == D("0.00")
    assert to_fen(D("2.675")) == D("2.68")  # no binary surprise with Decimal
    assert to_fen(D("7")) == D("7.00")


def test_percent_of_has_one_decimal_and_guards_zero():
    assert percent_of(D("1"), D("3")) == D("33.3")
    assert percent_of(D("2"), D("3")) == D("66.7")
    assert percent_of(D("5"), D("0")) == D("0.0")


def test_case_money_accepts_whole_fen_only():
    assert case_money(D("1.20"), "x") == D("1.2")
    assert case_money(3, "x") == D("3")
    with pytest.raises(InvalidInputError):
        case_money(D("1.201"), "x")
    with pytest.raises(InvalidInputError):
        case_money(D("-0.01"), "x")
    with pytest.raises(TypeError):
        case_money(1.2, "x")
    with pytest.raises(TypeError):
        case_money("1.2", "x")


def test_rule_amounts_and_ratios_are_checked():
    assert rule_money(D("0.005"), "x") == D("0.005")
    assert rule_ratio(D("100"), "x") == D("100")
    with pytest.raises(InvalidRuleError):
        rule_money(D("-1"), "x")
    with pytest.raises(InvalidRuleError):
        rule_ratio(D("100.1"), "x")
    with pytest.raises(InvalidRuleError):
        rule_money(D("NaN"), "x")
