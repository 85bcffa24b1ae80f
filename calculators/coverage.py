"""Which rules each region has, for the editors' "Rules coverage" page: what is missing shows here first.

For every region and for this year and next year, each kind of rule is in one of these states:

* ``own`` - the region has rows of its own for that year;
* ``parent`` - it uses a region further up its chain for that year (``region``);
* ``earlier`` - no region of its chain has rows for that year yet: the calculators use an earlier year
  (``year``, of ``region``) and say so;
* ``usual`` - (payment windows) no window for that year: the usual period of ``region`` applies;
* ``missing`` - nothing at all: the calculators refuse.

Rows not checked for more than a year are listed as stale, and from eight weeks before next year's
payment period opens the page warns when next year's figures are still missing.
"""

import datetime
from dataclasses import dataclass

from calculators import rules, rulebook

STALE_AFTER = datetime.timedelta(days=365)
WARN_BEFORE = datetime.timedelta(weeks=8)
KINDS = ("payment_window", "contribution", "benefit", "serious_illness")


@dataclass(frozen=True)
class Cell:
    state: str  # own, parent, earlier, usual, missing
    region: object = None
    year: int | None = None


def _dated(kind, region, year):
    try:
        found = rules.find(kind, region, criteria={"region": region.slug, "coverage_year": year}, year=year)
    except rules.RuleNotFound:
        return Cell("missing")
    if found.year < year:
        return Cell("earlier", found.region, found.year)
    return Cell("own" if found.region == region else "parent", found.region, found.year)


def _window(region, year):
    try:
        window, used = rules.payment_window(region, year)
    except rules.RuleNotFound:
        return Cell("missing")
    if window.typical:
        return Cell("usual", used, year)
    return Cell("own" if used == region else "parent", used, year)


def cell(kind, region, year):
    return _window(region, year) if kind == "payment_window" else _dated(kind, region, year)


def years(today):
    return [today.year, today.year + 1]


def table(today):
    """``[(region, [[Cell per kind] per year])]`` for every region."""
    return [(region, [[cell(kind, region, year) for kind in KINDS] for year in years(today)])
            for region in rules.regions()]


def stale_rows(today):
    """Rule rows in force or published whose ``checked_on`` is more than a year old, oldest first."""
    book = rules.book()
    rows = [row for kind in rulebook.KINDS for row in book.all(kind)
            if row.checked_on and today - row.checked_on > STALE_AFTER]
    return sorted(rows, key=lambda row: row.checked_on)


def next_year_warning(today):
    """``(year, opens)`` when next year's payment period opens within eight weeks (or has opened) and the
    national contribution for that year is still missing; None otherwise."""
    year = today.year + 1
    try:
        window, _used = rules.payment_window("national", year)
    except rules.RuleNotFound:
        return None
    if not window.start - WARN_BEFORE <= today <= datetime.date(year, 1, 1):
        return None
    if _dated("contribution", rules.get_region("national"), year).state == "own":
        return None
    return year, window.start
