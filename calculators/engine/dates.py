"""Date helpers."""

import calendar
from datetime import date


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months (``n`` may be negative).

    The day of month is clamped to the target month's length: 31 Jan + 1 month is 28 Feb
    (29 Feb in a leap year), 31 Mar + 1 month is 30 Apr.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"months must be an int, not {type(n).__name__}")
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1]) if 1 <= year <= 9999 else d.day
    return date(year, month, day)  # raises ValueError outside years 1..9999


def year_start(year: int) -> date:
    return date(year, 1, 1)


def year_end(year: int) -> date:
    return date(year, 12, 31)
