"""The editors' "Rules coverage" page: what each region uses and what is missing, before readers notice."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calculators import coverage, rules
from calculators.models import ContributionStandard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_rules():
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)


def on(monkeypatch, *day):
    moment = datetime.datetime(*day, 10, 0, tzinfo=rules.CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment.date()


def states(today, slug):
    by_region = {region.slug: cells for region, cells in coverage.table(today)}
    return [[(cell.state, cell.region and cell.region.slug, cell.year) for cell in cells]
            for cells in by_region[slug]]


def test_each_region_shows_own_parent_earlier_usual_or_missing_rules(monkeypatch):
    today = on(monkeypatch, 2026, 12, 1)
    this_year, next_year = states(today, "zhejiang-lishui")
    window, contribution, benefit, serious = this_year
    assert window == ("usual", "national", 2026)
    assert contribution == ("parent", "national", 2026)
    assert benefit == ("earlier", "zhejiang-lishui", 2025)
    assert serious == ("missing", None, None)  # the national example is not Lishui's
    assert next_year[1] == ("earlier", "national", 2026)


def test_the_page_warns_when_next_years_payment_period_is_near_and_its_figures_are_missing(monkeypatch):
    assert coverage.next_year_warning(on(monkeypatch, 2026, 6, 1)) is None  # too early
    assert coverage.next_year_warning(on(monkeypatch, 2026, 7, 10)) == (2027, datetime.date(2026, 9, 1))
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.pk, row.coverage_year = None, 2027
    row.save()
    assert coverage.next_year_warning(on(monkeypatch, 2026, 7, 10)) is None


def test_rules_not_checked_for_a_year_are_listed(monkeypatch):
    stale = coverage.stale_rows(on(monkeypatch, 2027, 11, 30))
    assert stale and all(row.checked_on < datetime.date(2026, 11, 30) for row in stale)
    assert coverage.stale_rows(on(monkeypatch, 2026, 12, 2)) == []


@pytest.mark.parametrize("language,text", [("zh-hans", "规则覆盖情况"), ("ru", "Охват правил")])
def test_the_coverage_page_is_linked_from_the_admin_home_in_both_languages(client, monkeypatch, language, text):
    on(monkeypatch, 2026, 12, 1)
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(user)
    home = client.get(f"/{language}/admin/").content.decode()
    url = reverse("admin:rules_coverage").replace("/zh-hans/", f"/{language}/")
    assert url in home
    page = client.get(url).content.decode()
    assert text in page and "errornote" in page  # 2027 figures are missing while its period is open


def test_the_coverage_page_needs_the_right_to_see_regions(client):
    user = get_user_model().objects.create_user("nobody", "n@example.org", "a-long-test-password", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:rules_coverage")).status_code == 403
