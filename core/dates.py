"""China's calendar: rules take effect by the date in China, whatever the server's time zone, and only dates
between 2000 and 2100 are accepted anywhere (a wider range is a typing mistake, and safe date maths)."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

CHINA = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)


def today_in_china(at=None):
    """The date in China at the moment ``at`` (default: now)."""
    return (at or timezone.now()).astimezone(CHINA).date()


def parse_day(value):
    """``YYYY-MM-DD`` between 2000 and 2100 -> date; anything else -> None."""
    try:
        day = datetime.datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def day_in_year(year, month, day):
    """``month``/``day`` in ``year``; 29 February becomes 28 February outside leap years."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))
