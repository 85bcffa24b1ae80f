"""The answers of the calculators for the day they are read: current coverage years, honestly labelled."""

import datetime

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from calculators import answers, rules

pytestmark = pytest.mark.django_db
CHINA = rules.CHINA


@pytest.fixture(autouse=True)
def demo_rules():
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)


@pytest.fixture
def on_1_december_2026(monkeypatch):
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def ask(name, query):
    form, answer = answers.ask(name, QueryDict(query))
    assert answer is not None, form.errors
    return form, answer


def test_on_1_december_2026_the_deadline_answer_is_for_2027_whose_payment_period_is_open(on_1_december_2026):
    form, answer = ask("deadline", "region=hubei")
    result = answer.result
    assert answer.asked_year == 2027 and form.cleaned_data["year"] == 2027
    assert result.window_status == "open"
    assert result.days_left == 30  # 1 December to 31 December
    assert (result.window.start, result.window.end) == (datetime.date(2026, 9, 1), datetime.date(2026, 12, 31))
    assert "typical_window" in answer.notes  # Hubei has no window of its own for 2027


def test_the_2027_amount_is_labelled_as_the_latest_published_one(on_1_december_2026):
    _form, answer = ask("deadline", "region=national&year=2027")
    assert answer.rules_year == 2026
    assert "amount_from_earlier_year" in answer.notes and "rules_from_earlier_year" in answer.notes


def test_in_february_a_hubei_resident_is_asked_about_this_year_while_its_period_runs(monkeypatch):
    moment = datetime.datetime(2025, 2, 10, tzinfo=CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    _form, answer = ask("deadline", "region=hubei")
    assert answer.asked_year == 2025 and answer.result.window_status == "open"
    assert answer.result.days_left == 18


def test_a_reimbursement_today_uses_the_latest_rules_and_says_which_year(on_1_december_2026):
    _form, answer = ask("reimbursement", "region=zhejiang-lishui&cost=50000")
    assert (answer.asked_year, answer.rules_year) == (2026, 2025)
    assert answer.from_earlier_year and "rules_from_earlier_year" in answer.notes
    assert answer.result.fund_pays == 34300


def test_lishui_and_anhui_answers_say_what_the_sources_leave_to_assumption():
    _form, answer = ask("reimbursement", "region=anhui&cost=10000&level=level2&date=2025-06-01")
    assert {"assumed_year", "assumed_deductible_per"} <= set(answer.notes)


def test_above_lishuis_basic_limit_the_answer_names_supplementary_insurance_instead_of_inventing_a_payment():
    _form, answer = ask("reimbursement", "region=zhejiang-lishui&cost=300000&date=2025-06-01")
    assert answer.result.fund_pays == 100000 and answer.result.serious_illness_pays == 0
    assert "supplementary_above_limit" in answer.notes


def test_the_low_income_example_figure_carries_its_caveat():
    _form, answer = ask("contribution", "region=national&year=2024&low_income=1")
    assert "example_figure" in answer.notes


def test_people_in_extreme_poverty_pay_nothing_as_national_policy():
    _form, answer = ask("contribution", "region=hubei&year=2026&extreme_poverty=1")
    assert answer.result.total_individual == 0
    assert "example_figure" not in answer.notes
    assert answer.sources[0].document_number == "国办发〔2021〕42号"


def test_a_subsidy_is_a_minimum_where_the_source_says_at_least():
    _form, answer = ask("contribution", "region=national&year=2025&ordinary=1")
    assert answer.result.total_subsidy == 700 and answer.result.subsidy_is_minimum


def test_zhejiang_late_joiners_in_2025_pay_1070_and_wait_three_months():
    _form, answer = ask("deadline", "region=zhejiang&year=2025&paid_on=2025-03-15&status=new")
    assert answer.result.window_status == "late"
    assert (answer.result.amount_due, answer.result.waiting_months) == (1070, 3)
    assert answer.result.cover_starts == datetime.date(2025, 6, 15)
