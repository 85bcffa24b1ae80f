"""The deadline answer's dates: a timeline in calendar order, and a calendar file of what is still ahead."""

import datetime

import pytest
from django.http import QueryDict
from icalendar import Calendar

from calculators import answers, calendar, rules

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


def answer(query, today):
    with rules.viewing(at=today):
        form, answer = answers.ask("deadline", QueryDict(query))
    assert answer is not None, form.errors
    return answer


def test_the_timeline_holds_the_period_the_payment_and_the_waiting_period_in_calendar_order():
    today = datetime.date(2025, 3, 1)
    result = answer("region=hubei&year=2025&paid_on=2025-03-10&status=continuous", today).result
    dates = calendar.timeline(result, today)
    assert [(d.day.isoformat(), d.code) for d in dates] == [
        ("2024-09-01", "opens"), ("2025-01-01", "year_begins"), ("2025-02-28", "ends"), ("2025-03-10", "paid"),
        ("2025-06-10", "cover_starts"), ("2025-12-31", "year_ends")]
    cover = next(d for d in dates if d.code == "cover_starts")
    assert cover.months == 3 and not cover.past
    assert [d.code for d in dates if d.past] == ["opens", "year_begins", "ends"]


def test_only_dates_still_ahead_get_a_reminder():
    today = datetime.date(2026, 12, 1)
    result = answer("region=hubei&status=new", today).result
    assert [(d.code, d.day.isoformat()) for d in calendar.upcoming(result, today)] == [
        ("ends", "2026-12-31"), ("cover_starts", "2027-01-01")]


def test_the_calendar_file_has_one_event_with_an_alarm_per_upcoming_date():
    today = datetime.date(2026, 8, 1)
    found = answer("region=national&status=new", today)
    body = calendar.reminder_file(found, "https://example.org/zh-hans/calculators/deadline/?region=national", today)
    events = [component for component in Calendar.from_ical(body).walk("VEVENT")]
    assert [str(event["summary"]) for event in events] == [
        "2027 年度缴费期开始", "2027 年度缴费期的最后一天", "您开始享受医保待遇"]
    assert all(event.walk("VALARM") for event in events)
    assert all(event.decoded("dtstart") >= today for event in events)


def test_nothing_ahead_means_no_calendar_file():
    today = datetime.date(2026, 12, 1)
    found = answer("region=hubei&year=2025&paid_on=2025-01-15&status=continuous", today)
    assert calendar.reminder_file(found, "https://example.org/", today) is None
