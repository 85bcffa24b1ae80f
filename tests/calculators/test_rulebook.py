"""The rule book is read once per content version: a change, a publish or a scheduled moment shows at once."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calculators import rulebook, rules
from calculators.models import ContributionStandard
from core import content_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_rules():
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)


def individual(region="national", year=2026):
    return rules.contribution(region, year, "ordinary")[0].individual


def test_lookups_after_the_first_read_cost_no_query():
    individual()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            individual()
            rules.payment_window("zhejiang-jinhua", 2027)
            rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3", datetime.date(2025, 6, 1))
    assert len(queries) == 0


def test_a_saved_change_shows_on_the_next_lookup():
    assert individual() == Decimal("400")
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.individual = Decimal("410")
    row.save()
    assert individual() == Decimal("410")


def test_a_deleted_rule_disappears_on_the_next_lookup():
    individual()
    ContributionStandard.objects.filter(region__slug="national", coverage_year=2026).delete()
    assert rules.contribution("national", 2026, "ordinary")[0].coverage_year == 2025


def test_a_rule_scheduled_for_a_moment_is_used_from_that_moment_without_any_save(monkeypatch):
    now = timezone.now()
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.pk, row.individual, row.publish_at = None, Decimal("420"), now + datetime.timedelta(minutes=5)
    row.coverage_year = 2027
    row.save()
    assert individual(year=2027) == Decimal("400")  # still 2026's
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert individual(year=2027) == Decimal("420")


def test_a_fixture_load_is_a_change_too():
    individual()
    ContributionStandard.objects.filter(region__slug="national", coverage_year=2026,
                                        group__slug="ordinary").update(individual=Decimal("1"))
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    assert individual() == Decimal("400")


def test_without_the_shared_cache_every_lookup_reads_afresh(monkeypatch):
    monkeypatch.setattr(content_version, "current", lambda: None)
    individual()
    ContributionStandard.objects.filter(region__slug="national", coverage_year=2026,
                                        group__slug="ordinary").update(individual=Decimal("430"))
    assert individual() == Decimal("430")


def test_a_preview_of_a_fixed_moment_keeps_its_own_book():
    with rules.viewing(at=datetime.date(2030, 1, 1)):
        first = rules.book()
        assert rules.book() is first
    assert rules.book() is not first


def test_drafts_win_over_the_published_row_in_a_drafts_book():
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.pk, row.status, row.individual = None, "draft", Decimal("450")
    row.save()
    assert individual() == Decimal("400")
    with rules.viewing(include_drafts=True):
        assert individual() == Decimal("450")
    assert [r.status for r in rulebook.winners([row, ContributionStandard.objects.get(
        region__slug="national", coverage_year=2026, group__slug="ordinary", status="published")])] == ["draft"]


def test_a_regions_children_come_from_the_book_in_editorial_order():
    book = rules.book()
    assert [region.slug for region in book.children(book.regions["zhejiang"])] == ["zhejiang-jinhua", "zhejiang-lishui"]
    assert book.children(book.regions["zhejiang-lishui"]) == []
    with CaptureQueriesContext(connection) as queries:
        assert book.children(book.regions["national"])
    assert len(queries) == 0
