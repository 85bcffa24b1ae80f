"""What the calculator forms accept: years and dates that make sense for today, with messages on the field."""

import datetime

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from calculators import rules
from calculators.forms import ContributionForm, DeadlineForm, ReimbursementForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_rules(monkeypatch):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=rules.CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.mark.parametrize("year,valid", [("1999", False), ("2000", True), ("2027", True), ("2028", True),
                                        ("2029", False), ("twenty", False)])
def test_a_coverage_year_more_than_two_years_ahead_or_before_2000_is_a_field_error(year, valid):
    form = ContributionForm(QueryDict(f"region=national&year={year}&ordinary=1"))
    assert form.is_valid() is valid
    if not valid:
        assert list(form.errors) == ["year"]


@pytest.mark.parametrize("date,valid", [("2028-12-31", True), ("2029-01-01", False), ("1999-12-31", False)])
def test_a_treatment_date_outside_2000_to_two_years_ahead_is_a_field_error(date, valid):
    form = ReimbursementForm(QueryDict(f"region=national&cost=100&date={date}"))
    assert form.is_valid() is valid
    assert ("date" in form.errors) is not valid


def test_the_deadline_year_defaults_to_the_year_whose_payment_period_is_open_or_next():
    form = DeadlineForm(QueryDict("region=hubei"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["year"] == 2027


@pytest.mark.parametrize("query", ["region=hubei&year=2025&status=lapsed",
                                   "region=hubei&year=2025&status=lapsed&gap_years=0",
                                   "region=hubei&year=2025&status=lapsed&gap_years=x&repaid_years=2",
                                   "region=hubei&year=2025&status=lapsed&gap_years=1&repaid_years=x"])
def test_a_field_error_never_breaks_the_cross_field_checks(query):
    form = DeadlineForm(QueryDict(query))
    assert not form.is_valid()
    assert set(form.errors) <= {"gap_years", "repaid_years"}


def test_paying_back_more_years_than_missed_is_refused_on_the_years_paid_back():
    form = DeadlineForm(QueryDict("region=hubei&year=2025&status=lapsed&gap_years=1&repaid_years=3"))
    assert not form.is_valid() and list(form.errors) == ["repaid_years"]


def test_the_year_field_offers_no_year_beyond_two_years_ahead():
    form = DeadlineForm()
    assert form.fields["year"].widget.attrs["max"] == "2028"
