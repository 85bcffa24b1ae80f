"""The dates of a deadline answer: the timeline on the page and the calendar file (.ics) of reminders.

``timeline`` lists every date of the answer in calendar order (the payment period, the last day for
joining late, the payment date, the start of the coverage year, the day cover starts after any waiting
period, the end of the year), each marked as past or not relative to today. The calendar file holds the
upcoming ones a resident acts on (period opens, period ends, last day for joining late, cover starts),
each with a reminder, and none in the past; it is written with ``icalendar`` (RFC 5545: escaping,
folding, alarms).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from calculators.engine.codes import WindowStatus
from calculators.formats import money

REMINDED = ("opens", "ends", "late_deadline", "cover_starts")
REMIND_BEFORE = {"opens": datetime.timedelta(days=1), "ends": datetime.timedelta(days=7),
                 "late_deadline": datetime.timedelta(days=7), "cover_starts": datetime.timedelta(days=1)}
PRODID = "-//medical-insurance-help//deadline//EN"


@dataclass(frozen=True)
class DateOnTimeline:
    day: datetime.date
    code: str  # opens, ends, late_deadline, paid, year_begins, cover_starts, year_ends
    past: bool
    months: int = 0  # for cover_starts: the waiting period that ends that day


def timeline(result, today):
    """Every date of a deadline answer, in calendar order."""
    window = result.window
    paid = window.start if result.window_status == WindowStatus.NOT_OPEN else None
    days = [
        (window.start, "opens", 0),
        (window.end, "ends", 0),
        (window.late_deadline, "late_deadline", 0),
        (paid or _payment_day(result), "paid", 0),
        (datetime.date(window.coverage_year, 1, 1), "year_begins", 0),
        (result.cover_starts, "cover_starts", result.waiting_months),
        (result.cover_ends, "year_ends", 0),
    ]
    order = {code: index for index, (_day, code, _months) in enumerate(days)}
    return [DateOnTimeline(day, code, day < today, months)
            for day, code, months in sorted((d for d in days if d[0] is not None),
                                            key=lambda d: (d[0], order[d[1]]))]


def _payment_day(result):
    step = next((step for step in result.steps if step.code.startswith("window_")), None)
    return step.params.get("paid_on") if step is not None else None


def upcoming(result, today):
    """The dates worth a reminder that are still ahead (today included)."""
    return [date for date in timeline(result, today) if date.code in REMINDED and not date.past]


def summary(code, answer):
    year = answer.result.window.coverage_year
    return {
        "opens": _("Payment period for %(year)s opens") % {"year": year},
        "ends": _("Last day of the payment period for %(year)s") % {"year": year},
        "late_deadline": _("Last day to join late for %(year)s") % {"year": year},
        "cover_starts": _("Your medical insurance cover starts") % {"year": year},
    }[code]


def reminder_file(answer, link, today):
    """The .ics file with a reminder for every upcoming date of ``answer`` (bytes); None when none is left."""
    dates = upcoming(answer.result, today)
    if not dates:
        return None
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    amount = answer.result.amount_due
    description = _("Coverage year %(year)s. Check the amount in the official app before paying. %(link)s") % {
        "year": answer.result.window.coverage_year, "link": link}
    if amount is not None:
        description = _("Amount due: %(amount)s.") % {"amount": money(amount)} + " " + description
    stamp = datetime.datetime.now(datetime.UTC)
    for date in dates:
        title = summary(date.code, answer)
        event = Event()
        event.add("uid", f"{date.code}-{answer.region_asked.slug}-{answer.result.window.coverage_year}-"
                         f"{date.day.isoformat()}@medical-insurance-help")
        event.add("dtstamp", stamp)
        event.add("dtstart", date.day)
        event.add("dtend", date.day + datetime.timedelta(days=1))
        event.add("summary", title)
        event.add("description", description)
        event.add("url", link)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", -REMIND_BEFORE[date.code])
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
