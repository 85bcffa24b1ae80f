"""Regional policy tables, read from the rule models: embedded in guides and shown on region pages.

A guide line such as ``[[table:contributions region=zhejiang]]`` renders the
current rows at request time, so an editor's change in admin shows on the
next page view, in the reader's language, with sources and policy years.

Rows come through ``calculators.rules.visible_rows``: a table shows the rules
visible at the current rules moment (``rules.viewing``), or at ``at`` when
``render_table`` is given one (a staff preview of a future date).
"""

import contextlib

from django.template.loader import render_to_string

from calculators import rules
from calculators.models import (
    ContributionStandard, PaymentWindow, Region, ReimbursementRule, SeriousIllnessRule, WaitingPolicy,
)
from guides import embeds

TABLES = ["payment-windows", "waiting-periods", "contributions", "reimbursement", "serious-illness"]


def _region(params):
    slug = params.get("region")
    if not slug:
        return None
    try:
        return Region.objects.get(slug=slug)
    except Region.DoesNotExist:
        raise embeds.EmbedError(f"unknown region {slug!r}") from None


def _year(params):
    value = params.get("year")
    if value is None:
        return None
    if not value.isdigit():
        raise embeds.EmbedError(f"year must be digits, not {value!r}")
    return int(value)


def _filtered(queryset, region, year):
    if region is not None:
        queryset = queryset.filter(region=region)
    if year is not None:
        queryset = queryset.filter(coverage_year=year)
    return queryset


def _rows(queryset):
    # Drafts mode shows a draft instead of the published row it changes, as the calculators would use it.
    return rules.winners(queryset) if rules.current().include_drafts else list(queryset)


def payment_windows(region=None, year=None):
    return _rows(_filtered(rules.visible_rows(PaymentWindow).select_related("region"), region, year))


def waiting_periods(region=None, year=None):
    rows = rules.visible_rows(WaitingPolicy).select_related("region").prefetch_related("exempt_groups")
    return _rows(rows.filter(region=region) if region is not None else rows)


def contributions(region=None, year=None):
    return _rows(_filtered(rules.visible_rows(ContributionStandard).select_related("region", "group"), region,
                           year))


def reimbursement(region=None, year=None):
    rows = rules.visible_rows(ReimbursementRule).select_related("region").prefetch_related("bands")
    return _rows(_filtered(rows, region, year))


def serious_illness(region=None, year=None):
    rows = rules.visible_rows(SeriousIllnessRule).select_related("region").prefetch_related(
        "bands", "reduced_groups")
    return _rows(_filtered(rows, region, year))


ROWS = {
    "payment-windows": payment_windows,
    "waiting-periods": waiting_periods,
    "contributions": contributions,
    "reimbursement": reimbursement,
    "serious-illness": serious_illness,
}


def render_table(name, region=None, year=None, *, heading_level=3, at=None):
    """One table as HTML. ``at`` (a datetime or a date): show the rules visible then; None keeps the
    current rules moment (now, or the one a surrounding ``rules.viewing`` set)."""
    viewing = rules.viewing(at=at) if at is not None else contextlib.nullcontext()
    with viewing:
        rows = ROWS[name](region, year)
    return render_to_string(f"calculators/tables/{name.replace('-', '_')}.html", {
        "rows": rows, "region": region, "year": year, "heading_level": heading_level,
        "sources": unique_sources(rows),
    })


def unique_sources(rows):
    seen, sources = set(), []
    for row in rows:
        key = (row.source_title, row.source_document_number, row.source_url)
        if key not in seen:
            seen.add(key)
            sources.append(row)
    return sources


def _embed(name):
    def render(params, *, language, as_of):
        unknown = set(params) - {"region", "year"}
        if unknown:
            raise embeds.EmbedError(f"unknown parameters {sorted(unknown)}")
        return render_table(name, _region(params), _year(params), at=as_of)

    return render


for _name in TABLES:
    embeds.register(f"table:{_name}")(_embed(_name))
