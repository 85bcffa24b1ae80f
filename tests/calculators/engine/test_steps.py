from dataclasses import FrozenInstanceError
from decimal import Decimal as D

import pytest

from calculators.engine.steps import Step, step_codes, steps_with


def test_a_step_has_only_a_code_by_default():
    step = Step("you_pay")
    assert (step.code, step.amount, step.params, step.source) == ("you_pay", None, {}, None)


def test_steps_do_not_share_their_params():
    assert Step("a").params is not Step("b").params


def test_a_step_cannot_be_changed():
    with pytest.raises(FrozenInstanceError):
        Step("a").code = "b"


def test_steps_can_be_picked_by_code():
    steps = (Step("band", D("1")), Step("fund_total", D("1")), Step("band", D("2")))
    assert steps_with(steps, "band") == (steps[0], steps[2])
    assert steps_with(steps, "annual_limit") == ()
    assert step_codes(steps) == ("band", "fund_total", "band")
