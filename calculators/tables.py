"""Regional policy tables, read from the rule models: embedded in guides and shown on region pages.

A guide line such as ``[[table:contributions region=zhejiang]]`` renders the rows of the current rule
book (``calculators.rules``), so an editor's change in admin shows on the next page view, in the reader's
language, with sources and policy years.

Which years a table shows: with ``year=...`` exactly that year; without one, for each region the
figures in force now (the latest coverage year up to this year: a row from an earlier year says that
newer figures are not published yet) and next year's where they are already published. A region with
no rows of its own shows the rows of the region whose rules apply to it (a city its province's), and
says so. Examples (figures whose source names no region) are labelled as such, never as a region's
standard.
"""

import contextlib
import uuid
from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from calculators import rules
from core import content_version
from guides import embeds

TABLES = ["payment-windows", "payment-channels", "waiting-periods", "contributions", "reimbursement",
          "serious-illness"]
COLUMNS = {"payment-windows": 4, "payment-channels": 2, "waiting-periods": 6, "contributions": 5, "reimbursement": 7,
           "serious-illness": 4}
KIND = {"payment-windows": "payment_window", "payment-channels": "payment_channel", "waiting-periods": "waiting_policy",
        "contributions": "contribution", "reimbursement": "benefit", "serious-illness": "serious_illness"}
DATED = {"payment_window", "contribution", "benefit", "serious_illness"}


def _current_years(rows, current_year):
    """Per region: the latest year up to ``current_year``, and next year's rows where published."""
    years = defaultdict(set)
    for row in rows:
        years[row.region_id].add(row.coverage_year)
    keep = {}
    for region_id, found in years.items():
        now = max((year for year in found if year <= current_year), default=None)
        keep[region_id] = {now, current_year + 1} if now is not None else {min(found)}
    return [row for row in rows if row.coverage_year in keep[row.region_id]]


def _used_region(book, kind, region):
    """The region whose rows of ``kind`` apply to ``region``: itself, or the nearest one up its chain."""
    for depth, node in enumerate(book.chain(region)):
        if any(not (depth and row.is_example) for row in book.of(kind, node)):
            return node
    return region


def _usual_periods(book, region):
    """The usual payment period that applies to ``region`` in a year without a window of its own."""
    for node in book.chain(region):
        if book.of("recurring_window", node):
            return book.of("recurring_window", node)
    return []


def table_rows(name, region=None, year=None):
    """``(rows, usual periods, region used)`` for one table, from the current rule book."""
    book = rules.book()
    kind = KIND[name]
    used = _used_region(book, kind, region) if region is not None else None
    if used is not None:
        rows = [row for row in book.of(kind, used) if not (used != region and row.is_example)]
        usual = _usual_periods(book, region) if kind == "payment_window" else []
    else:
        rows, usual = book.all(kind), book.all("recurring_window") if kind == "payment_window" else []
    if kind in DATED:
        rows = [row for row in rows if row.coverage_year == year] if year is not None else \
            _current_years(rows, rules.today().year)
    order = list(book.regions)
    rows.sort(key=lambda row: (order.index(row.region.slug), -getattr(row, "coverage_year", 0)))
    return rows, usual, used


def render_table(name, region=None, year=None, *, heading_level=3, at=None):
    """One table as HTML. ``at`` (a datetime or a date): show the rules visible then; None keeps the
    current rules moment (now, or the one a surrounding ``rules.viewing`` set).

    Kept in the shared cache as a fragment per content version, table, region, year, heading level,
    language, rules moment and day in China. Invalidation rule: any change to content or rules is a new
    content version (a new key); a fragment of the current rules ends when the rule book's ``valid_until``
    passes (a rule row's ``publish_at``); every fragment expires after a day at most; without a content
    version nothing is kept.
    """
    viewing = rules.viewing(at=at) if at is not None else contextlib.nullcontext()
    with viewing:
        moment, valid_until = rules.current(), rules.book().valid_until
        name_of_fragment = ":".join(str(part) for part in (
            FRAGMENT, name, getattr(region, "slug", ""), year, heading_level, translation.get_language(),
            moment.at and moment.at.isoformat(), moment.include_drafts, rules.today().isoformat()))
        html = content_version.kept(
            name_of_fragment, lambda: _drawn(name, region, year, heading_level, table_id=TABLE_ID), MAX_LIFETIME,
            until=lambda now: valid_until if moment.at is None else None)
    # Each table shown gets an id of its own, even when one page shows the same fragment twice.
    return mark_safe(html.replace(TABLE_ID, _table_id()))


FRAGMENT = "table-fragment"
TABLE_ID = "table-PORTALTABLEID"
MAX_LIFETIME = 24 * 3600


def _table_id():
    return f"table-{uuid.uuid4().hex[:8]}"


def _drawn(name, region, year, heading_level, table_id=None):
    """The table drawn from the rule book of the current rules moment."""
    rows, usual, used = table_rows(name, region, year)
    current_year = rules.today().year
    marks = {  # said once under the table instead of in every row
        "older": year is None and any(getattr(row, "coverage_year", current_year) < current_year for row in rows),
        "year_assumed": any(row.year_assumed for row in rows),
        "per_assumed": any(getattr(row, "deductible_per_assumed", False) for row in rows),
        "example": region is not None and any(row.is_example for row in rows),
    }
    return render_to_string(f"calculators/tables/{name.replace('-', '_')}.html", {
        "rows": rows, "usual": usual, "region": region, "used_region": used if used != region else None,
        "year": year, "current_year": current_year, "heading_level": heading_level, "marks": marks,
        "columns": COLUMNS[name] + (region is None), "table_id": table_id or _table_id(),
        "sources": unique_sources([*usual, *rows]),
    })


def unique_sources(rows):
    seen, sources = set(), []
    for row in rows:
        source = row.source_ref()
        key = (source.title, source.document_number, source.url)
        if key not in seen:
            seen.add(key)
            sources.append(source)
    return sources


def _region(params):
    slug = params.get("region")
    if not slug:
        return None
    try:
        return rules.get_region(slug)
    except rules.RuleNotFound:
        raise embeds.EmbedError(f"unknown region {slug!r}") from None


def _year(params):
    value = params.get("year")
    if value is None:
        return None
    if not value.isdigit():
        raise embeds.EmbedError(f"year must be digits, not {value!r}")
    return int(value)


def _embed(name):
    def render(params, *, language, as_of):
        unknown = set(params) - {"region", "year"}
        if unknown:
            raise embeds.EmbedError(f"unknown parameters {sorted(unknown)}")
        return render_table(name, _region(params), _year(params), at=as_of)

    return render


for _name in TABLES:
    embeds.register(f"table:{_name}")(_embed(_name))


@embeds.register_fact("rules_year")
def rules_year(as_of=None):
    """The coverage year of the national figures in force (``year``), and whether next year's are out."""
    viewing = rules.viewing(at=as_of) if as_of is not None else contextlib.nullcontext()
    with viewing:
        today = rules.today()
        year = rules.latest_year("contribution", "national")
    if year is None:
        return None
    current = min(year, today.year)
    return {"year": current, "this_year": today.year, "next_year": today.year + 1,
            "next_published": year > today.year, "is_older": current < today.year}
