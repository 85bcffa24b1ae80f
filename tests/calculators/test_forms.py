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


# --- only the questions that apply ------------------------------------------------------------------------


def fields(form_class, query):
    return list(form_class(QueryDict(query)).fields)


def test_residents_are_not_asked_their_employment_status():
    assert "status" not in fields(ReimbursementForm, "region=zhejiang-lishui&cost=1")
    assert "status" in fields(ReimbursementForm, "region=zhejiang-lishui&cost=1&scheme=employee")


def test_the_tier_is_asked_only_where_the_regions_rules_have_tiers():
    assert "tier" not in fields(ReimbursementForm, "region=zhejiang-lishui&cost=1")
    form = ReimbursementForm(QueryDict("region=zhejiang-jinhua&cost=1&date=2025-06-01"))
    assert [value for value, _label in form.fields["tier"].choices] == ["1", "2", "3"]


def test_only_the_kinds_of_care_and_levels_the_region_has_rules_for_are_offered():
    jinhua = ReimbursementForm(QueryDict("region=zhejiang-jinhua&cost=1&date=2025-06-01"))
    assert [value for value, _label in jinhua.fields["visit"].choices] == ["outpatient", "chronic"]
    anhui = ReimbursementForm(QueryDict("region=anhui&cost=1&visit=outpatient&date=2025-06-01"))
    assert [value for value, _label in anhui.fields["level"].choices] == ["grassroots", "level1"]


def test_the_signing_and_mountain_questions_appear_only_where_the_rule_has_a_bonus():
    jinhua = "region=zhejiang-jinhua&cost=1&date=2025-06-01&tier=1&visit=outpatient&level=grassroots"
    assert {"signed", "mountain"} <= set(fields(ReimbursementForm, jinhua))
    assert not {"signed", "mountain"} & set(fields(ReimbursementForm, "region=zhejiang-lishui&cost=1"))


def test_years_without_cover_are_asked_only_after_a_break_and_the_birth_date_only_for_a_newborn():
    assert not {"gap_years", "repaid_years", "birth_date"} & set(fields(DeadlineForm, "region=hubei"))
    assert {"gap_years", "repaid_years"} <= set(fields(DeadlineForm, "region=hubei&status=lapsed"))
    assert "birth_date" in fields(DeadlineForm, "region=hubei&status=newborn")


def test_a_household_is_asked_about_the_groups_its_region_has_figures_for():
    assert [name for name in fields(ContributionForm, "region=national&year=2026") if name not in ("region", "year")] \
        == ["ordinary", "extreme_poverty"]
    # ... and about any other group the link counts people in, so the answer can say why it has none.
    assert "low_income" in fields(ContributionForm, "region=national&year=2026&low_income=1")


def test_an_answer_that_does_not_apply_is_ignored_and_named():
    form = ReimbursementForm(QueryDict("region=zhejiang-lishui&cost=1&status=retired&gap_years=3"))
    assert form.is_valid(), form.errors
    assert form.ignored_names == ["status"]  # gap_years is no field of this calculator at all: dropped
    assert "status=" not in form.share_query() and "gap_years" not in form.share_query()


def test_the_share_link_holds_every_answer_that_applies_dates_included():
    form = DeadlineForm(QueryDict("region=hubei"))
    assert form.is_valid()
    assert form.share_query() == "region=hubei&year=2027&paid_on=2026-12-01&status=continuous&group=ordinary"


def test_the_region_select_marks_only_the_chosen_region_each_time_its_options_are_reused():
    from django.utils import translation

    with translation.override("ru"):
        hubei = str(ContributionForm(QueryDict("region=hubei"))["region"])
        beijing = str(ContributionForm(QueryDict("region=beijing"))["region"])
        empty = str(ContributionForm(QueryDict("region=nowhere"))["region"])
    assert hubei.count(" selected") == 1 and '<option value="hubei" selected>' in hubei
    assert beijing.count(" selected") == 1 and '<option value="beijing" selected>' in beijing
    assert " selected" not in empty and hubei.startswith('<select name="region"')
    assert ContributionForm(QueryDict("")).fields["region"].choices is \
        ContributionForm(QueryDict("")).fields["region"].choices  # made once per rule book and language
