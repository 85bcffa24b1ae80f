"""The JSON body of an answer: one table of keys, money as two-decimal strings, dates as YYYY-MM-DD."""

import datetime

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone, translation

from calculators import answers, rules, serializers
from calculators.forms import ReimbursementForm

# Seed 002: level-3 inpatient care in Lishui, deductible 1000, 70 %: (50000 - 1000) x 70 % = 34300.
LISHUI = "region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000&date=2025-06-01"


@pytest.fixture
def demo_rules(db):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)


@pytest.fixture(autouse=True)
def on_1_december_2026(monkeypatch):
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=rules.CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_money_is_a_string_with_two_decimals_and_none_stays_none():
    from decimal import Decimal

    assert serializers.money(Decimal("34300")) == "34300.00"
    assert serializers.money(Decimal("0.5")) == "0.50"
    assert serializers.money(None) is None


def test_dates_are_iso_and_nested_values_become_plain_json():
    from decimal import Decimal

    assert serializers.day(datetime.date(2026, 1, 1)) == "2026-01-01"
    assert serializers.plain({"on": datetime.date(2026, 1, 1), "amounts": (Decimal("1.50"), 2)}) == {
        "on": "2026-01-01", "amounts": ["1.50", 2]}


def test_the_keys_a_check_case_may_expect_are_the_keys_of_the_answer(demo_rules):
    form, answer = answers.ask("reimbursement", QueryDict(LISHUI))
    body, status = serializers.body("reimbursement", form, answer)
    assert status == 200
    assert set(body) == {*serializers.ANSWER_KEYS["reimbursement"], *serializers.COMMON_ANSWER_KEYS}


def test_a_reimbursement_answer_gives_its_figures_as_strings(demo_rules):
    form, answer = answers.ask("reimbursement", QueryDict(LISHUI))
    body, _status = serializers.body("reimbursement", form, answer)
    assert (body["cost"], body["fund_pays"], body["you_pay"]) == ("50000.00", "34300.00", "15700.00")
    assert body["region_used"] == "zhejiang-lishui" and body["estimate"] is True
    assert all(set(step) == {"code", "amount", "params"} for step in body["steps"])


def test_a_refused_answer_is_a_400_with_every_fields_messages_in_the_readers_language(demo_rules):
    form = ReimbursementForm(QueryDict("region=zhejiang-lishui&cost=abc&date=2025-06-01"))
    assert not form.is_valid()
    with translation.override("ru"):
        body, status = serializers.body("reimbursement", form, None)
    assert status == 400 and list(body) == [serializers.ERRORS_KEY]
    assert "cost" in body["errors"] and all(isinstance(message, str) for message in body["errors"]["cost"])
    assert any(any("а" <= char <= "я" for char in message) for message in body["errors"]["cost"])


def test_an_unbound_form_asks_for_the_answers_as_query_parameters(demo_rules):
    body, status = serializers.body("deadline", ReimbursementForm(), None)
    assert status == 400 and list(body["errors"]) == ["__all__"]
