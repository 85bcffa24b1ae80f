"""An iCalendar (.ics) reminder for a payment deadline, written by hand: one event needs no library."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def escape(text):
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line):
    """Lines longer than 75 octets are folded (RFC 5545 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > 74:
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def deadline_reminder(answer, link):
    result = answer.result
    window = result.window
    if result.window_status == "not_open":
        day, summary = window.start, _("Medical insurance payment period opens")
    elif result.window_status == "open":
        day, summary = window.end, _("Last day to pay residents' medical insurance")
    else:
        day, summary = result.late_until, _("Last day for late payment of residents' medical insurance")
    description = _("Coverage year %(year)s. Check the amount in the official app before paying. %(link)s") % {
        "year": window.coverage_year, "link": link,
    }
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//medical-insurance-help//deadline//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:deadline-{answer.region_used.slug}-{window.coverage_year}-{day.isoformat()}@medical-insurance-help",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + datetime.timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{link}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P3D",
        f"DESCRIPTION:{escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
