"""From rule rows to engine inputs: the only place the calculators look rules up.

Every lookup starts at the asked region and walks its chain (city -> province -> national) in the
current ``RuleBook`` (``calculators.rulebook``: every row visible at the rules moment, read once). One
helper, ``find``, does the walk for every kind of rule:

* it keeps the rows of that kind that fit the case (same scheme and kind of care, say);
* for a coverage year it takes the latest year up to the one asked that any region of the chain has
  (so a year whose figures are not published yet uses the latest earlier ones, and the answer says so);
* and the nearest region with rows for that year: the answer comes from that region only, never
  mixed with its parents. So a region that sets its own outpatient rules for primary care only does
  not borrow a level-3 outpatient rule from its province: ``RuleNotFound("level")``.

A row marked as an example (``is_example``: a figure whose source names no region) is used only for
its own region, never for a region below it.

Payment windows are dated, so they never come from another year: a region's own window for the year,
or else the usual period (``RecurringPaymentWindow``) of the nearest region that has one.

Each lookup returns the engine dataclass (or a mapping of them) and the ``Region`` actually used; the
dataclass's ``coverage_year`` is the year whose rules were used.

Rules as of a moment
--------------------
Lookups read the rows visible at the current "rules moment": published rows whose ``publish_at`` has
passed. By default that moment is now, so a rule published ahead of time goes live by itself.
``viewing`` moves it for a block of code (a staff preview of a future date, a check case run)::

    with rules.viewing(at=datetime(2026, 1, 1, tzinfo=CHINA)):
        rules.payment_window("hubei", 2026)

``viewing(include_drafts=True)`` also reads drafts and rows in review, which win over the published
row for the same case: how a check case tries a draft change before it is published.
"""

import contextlib
import contextvars
import datetime
from dataclasses import dataclass

from django.utils import timezone

from calculators import rulebook
from calculators.engine import rules as engine
from calculators.models import LEVEL_ORDER, EmployeeStatus, Level, Region, Scheme, Visit
from core.dates import CHINA

__all__ = [
    "CHINA", "RulesMoment", "viewing", "current", "today", "RuleNotFound", "get_region", "regions",
    "population_groups", "benefit_rule", "tiers_for", "levels_for", "serious_illness_rule", "payment_window",
    "waiting_policy", "contribution", "contributions", "default_coverage_year", "earliest_year", "latest_year",
    "visits_for",
]


@dataclass(frozen=True)
class RulesMoment:
    """Which rule rows the lookups read: those visible at ``at`` (None: now)."""

    at: datetime.datetime | None = None
    include_drafts: bool = False

    def when(self):
        return self.at or timezone.now()

    def today(self):
        """The date in China at this moment: the default "today" of the calculators."""
        return self.when().astimezone(CHINA).date()


_moment = contextvars.ContextVar("calculators_rules_moment", default=RulesMoment())


def _as_moment(at):
    """A datetime (naive ones are taken as China time), or a date's first moment in China, or None."""
    if at is None:
        return None
    if not isinstance(at, datetime.datetime):
        return datetime.datetime.combine(at, datetime.time.min, tzinfo=CHINA)
    if timezone.is_naive(at):
        return at.replace(tzinfo=CHINA)
    return at


@contextlib.contextmanager
def viewing(at=None, include_drafts=False):
    """Read the rules as they are (or will be) at ``at`` inside the block; yields the ``RulesMoment``.

    ``at``: a datetime, or a date (its first moment in China); None is now. ``include_drafts``: drafts and
    rows in review count too and win over the published row for the same case. Blocks nest.
    """
    token = _moment.set(RulesMoment(_as_moment(at), bool(include_drafts)))
    try:
        yield _moment.get()
    finally:
        _moment.reset(token)


def current():
    return _moment.get()


def today():
    """The date in China at the rules moment: what the calculators take as today."""
    return current().today()


def book():
    return rulebook.book_for(current())


class RuleNotFound(LookupError):
    """No rule matches.

    ``field``: what did not match, one of "region", "coverage_year", "scheme", "employee_status",
    "visit", "tier", "level", "on_date", "group", "bands" (a rule with no bands saved).
    ``kind``: which rule was asked for (a ``rulebook.KINDS`` key, or "region").
    ``region``: the Region whose rules were searched last (None when the region itself is unknown);
    ``searched``: the slugs walked, nearest first; ``criteria``: what was asked.
    """

    def __init__(self, field, *, kind, region=None, searched=(), criteria=None):
        self.field, self.kind, self.region = field, kind, region
        self.searched = tuple(searched)
        self.criteria = dict(criteria or {})
        asked = ", ".join(f"{key}={value!r}" for key, value in self.criteria.items())
        if kind == "region":
            message = f"Unknown region ({asked})"
        else:
            where = f" in {' -> '.join(self.searched)}" if self.searched else ""
            message = f"No {kind.replace('_', ' ')} rule{where}: nothing matches {field} ({asked})"
        super().__init__(message)


@dataclass(frozen=True)
class Found:
    rows: list  # the rows of the region used, for the year used
    region: Region
    year: int | None
    searched: tuple  # slugs walked up to the region used

    def missing(self, field, kind, criteria):
        return RuleNotFound(field, kind=kind, region=self.region, searched=self.searched, criteria=criteria)


def get_region(region):
    """A Region from a slug (or the Region itself); RuleNotFound("region") when unknown."""
    slug = getattr(region, "slug", region)
    found = book().regions.get(slug) if isinstance(slug, str) else None
    if found is None:
        raise RuleNotFound("region", kind="region", criteria={"region": region})
    return found


def regions():
    """All regions, in their editorial order (for choosing one)."""
    return list(book().regions.values())


def population_groups():
    """All population groups, in their editorial order."""
    return list(book().groups)


def find(kind, region, *, criteria, year=None, fits=None, missing_field="coverage_year"):
    """The rows of ``kind`` that ``fits`` (a row -> bool) of the nearest region in ``region``'s chain, for
    the latest coverage year up to ``year`` (no year: rules without one). RuleNotFound when none."""
    rules = book()
    chain = rules.chain(get_region(region))
    candidates = [
        (depth, row) for depth, node in enumerate(chain) for row in rules.of(kind, node)
        if not (depth and row.is_example) and (fits is None or fits(row))
    ]
    used_year = None
    if year is not None:
        used_year = max((row.coverage_year for _depth, row in candidates if row.coverage_year <= year), default=None)
        candidates = [(depth, row) for depth, row in candidates if row.coverage_year == used_year]
    if not candidates:
        raise RuleNotFound(missing_field, kind=kind, region=chain[-1], searched=[node.slug for node in chain],
                           criteria=criteria)
    depth = min(depth for depth, _row in candidates)
    return Found([row for d, row in candidates if d == depth], chain[depth], used_year,
                 tuple(node.slug for node in chain[:depth + 1]))


def _best(rows):
    """The row to use among versions of one rule: a draft before the published one, then the latest start."""
    return min(rows, key=lambda row: (rulebook.unpublished_first(row),
                                      -(getattr(row, "valid_from", None) or datetime.date.min).toordinal()))


def _in_force(rows, day):
    return [row for row in rows if (row.valid_from is None or row.valid_from <= day)
            and (row.valid_until is None or row.valid_until >= day)]


def _bands(row):
    return tuple(engine.Band(lower=band.lower, upper=band.upper, ratio=band.ratio) for band in row.bands.all())


def _rule_day(found, on_date):
    """The day whose rules apply: the treatment date, or the last day of the earlier year used instead."""
    return on_date if found.year == on_date.year else datetime.date(found.year, 12, 31)


# ---------------------------------------------------------------------------
# Benefits of the basic fund


def _benefit_rows(region, scheme, status, tier, visit, on_date, criteria):
    """The rows of the region and year that set (scheme, visit), narrowed by status and tier."""
    for name, value, choices in (("scheme", scheme, Scheme.values), ("visit", visit, Visit.values),
                                 ("employee_status", status, EmployeeStatus.values)):
        if value not in choices:
            raise RuleNotFound(name, kind="benefit", criteria=criteria)
    if tier is not None and tier not in (1, 2, 3):
        raise RuleNotFound("tier", kind="benefit", criteria=criteria)
    region = get_region(region)
    try:
        found = find("benefit", region, criteria=criteria, year=on_date.year,
                     fits=lambda row: row.scheme == scheme and row.visit == visit)
    except RuleNotFound as missing:
        for name, fits in (("coverage_year", None), ("scheme", lambda row: row.scheme == scheme)):
            try:
                find("benefit", region, criteria=criteria, year=on_date.year, fits=fits)
            except RuleNotFound:
                missing.field = name
                raise missing from None
        missing.field = "visit"
        raise
    rows = [row for row in found.rows if row.employee_status == status]
    if not rows:
        raise found.missing("employee_status", "benefit", criteria)
    # A rule for the asked tier wins over one without a tier; a rule without a tier holds for every tier.
    rows = [row for row in rows if row.tier is None or (tier is not None and row.tier == tier)]
    if not rows:
        raise found.missing("tier", "benefit", criteria)
    return rows, found


def benefit_rule(region, scheme, status, tier, visit, level, on_date):
    """The basic fund's rule for one case on a treatment date: ``(engine.BenefitRule, Region used)``.

    ``scheme``: "resident" or "employee"; ``status``: "" (residents; None is taken as "") or
    "working"/"retired"; ``tier``: 1-3 or None (None finds only rules that hold for every tier; see
    ``tiers_for``); ``visit``; ``level``. The rule is the one for coverage year ``on_date.year`` (or the
    latest earlier year with rules) in force on ``on_date`` (or at the end of that earlier year).
    """
    status = status or ""
    criteria = {"region": getattr(region, "slug", region), "scheme": scheme, "status": status, "tier": tier,
                "visit": visit, "level": level, "on_date": on_date}
    if level not in Level.values:
        raise RuleNotFound("level", kind="benefit", criteria=criteria)
    rows, found = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    rows = [row for row in rows if row.level == level]
    if not rows:
        raise found.missing("level", "benefit", criteria)
    rows = _in_force(rows, _rule_day(found, on_date))
    if not rows:
        raise found.missing("on_date", "benefit", criteria)
    asked_tier = [row for row in rows if row.tier is not None]
    row = _best(asked_tier or rows)
    bands = _bands(row)
    if not bands:
        raise found.missing("bands", "benefit", criteria)
    return engine.BenefitRule(
        region=found.region.slug, coverage_year=row.coverage_year, deductible=row.deductible,
        deductible_per=row.deductible_per, bands=bands, annual_limit=row.annual_limit,
        signed_bonus=row.signed_bonus, mountain_bonus=row.mountain_bonus,
        supplementary_above_limit=row.supplementary_above_limit,
        deductible_per_assumed=row.deductible_per_assumed, source=row.source_ref(),
    ), found.region


def tiers_for(region, coverage_year, scheme=Scheme.RESIDENT):
    """Which contribution tiers the region's rules distinguish: ``(tuple of tiers, Region used)``.

    Uses the region (and year) whose rules of ``scheme`` apply; an empty tuple means they hold for every
    tier (there is nothing to ask).
    """
    criteria = {"region": getattr(region, "slug", region), "coverage_year": coverage_year, "scheme": scheme}
    found = find("benefit", region, criteria=criteria, year=coverage_year, fits=lambda row: row.scheme == scheme)
    return tuple(sorted({row.tier for row in found.rows if row.tier is not None})), found.region


def levels_for(region, scheme, status, tier, visit, on_date):
    """Facility levels with a rule in force for this case: ``(tuple of levels, Region used)``, lowest first."""
    status = status or ""
    criteria = {"region": getattr(region, "slug", region), "scheme": scheme, "status": status, "tier": tier,
                "visit": visit, "on_date": on_date}
    rows, found = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    levels = {row.level for row in _in_force(rows, _rule_day(found, on_date))}
    if not levels:
        raise found.missing("on_date", "benefit", criteria)
    return tuple(sorted(levels, key=LEVEL_ORDER.__getitem__)), found.region


def visits_for(region, scheme, on_date):
    """Kinds of care the region's rules of ``scheme`` cover for the date's year (or the latest earlier one)."""
    criteria = {"region": getattr(region, "slug", region), "scheme": scheme, "on_date": on_date}
    visits = set()
    for visit in Visit.values:
        try:
            find("benefit", region, criteria=criteria, year=on_date.year,
                 fits=lambda row, visit=visit: row.scheme == scheme and row.visit == visit)
        except RuleNotFound:
            continue
        visits.add(visit)
    return tuple(visit for visit in Visit.values if visit in visits)


# ---------------------------------------------------------------------------
# Serious-illness insurance


def serious_illness_rule(region, on_date):
    """The serious-illness rule in force on ``on_date``: ``(engine.SeriousIllnessRule, Region used)``.

    Bands are amounts of the patient's own yearly burden; the first starts at ``deductible``.
    """
    criteria = {"region": getattr(region, "slug", region), "on_date": on_date}
    found = find("serious_illness", region, criteria=criteria, year=on_date.year)
    rows = _in_force(found.rows, _rule_day(found, on_date))
    if not rows:
        raise found.missing("on_date", "serious_illness", criteria)
    row = _best(rows)
    bands = _bands(row)
    if not bands:
        raise found.missing("bands", "serious_illness", criteria)
    return engine.SeriousIllnessRule(
        region=found.region.slug, coverage_year=row.coverage_year, deductible=row.deductible,
        reduced_deductible=row.reduced_deductible,
        reduced_groups=frozenset(group.slug for group in row.reduced_groups.all()), bands=bands,
        annual_cap=row.annual_cap, source=row.source_ref(),
    ), found.region


# ---------------------------------------------------------------------------
# Paying, waiting, contributing


def payment_window(region, coverage_year):
    """When to pay for ``coverage_year``: ``(engine.PaymentWindow, Region used)``.

    The nearest region's own window for that year, or else its usual period (``typical``).
    """
    criteria = {"region": getattr(region, "slug", region), "coverage_year": coverage_year}
    rules = book()
    chain = rules.chain(get_region(region))
    for depth, node in enumerate(chain):
        own = [row for row in rules.of("payment_window", node)
               if row.coverage_year == coverage_year and not (depth and row.is_example)]
        if own:
            row = min(own, key=rulebook.unpublished_first)
            return engine.PaymentWindow(
                region=node.slug, coverage_year=coverage_year, start=row.start, end=row.end,
                late_deadline=row.late_deadline, late_cover=row.late_cover, source=row.source_ref(),
            ), node
        usual = [row for row in rules.of("recurring_window", node)
                 if row.first_year <= coverage_year and not (depth and row.is_example)]
        if usual:
            row = min(usual, key=rulebook.unpublished_first)
            start, end = row.dates_for(coverage_year)
            return engine.PaymentWindow(
                region=node.slug, coverage_year=coverage_year, start=start, end=end, late_deadline=None,
                late_cover=row.late_cover, typical=True, source=row.source_ref(),
            ), node
    raise RuleNotFound("coverage_year", kind="payment_window", region=chain[-1],
                       searched=[node.slug for node in chain], criteria=criteria)


def default_coverage_year(region, today):
    """The coverage year a payment question is most likely about on ``today``: this year's while its payment
    period (or the region's own late period) still runs, otherwise next year's, whose period is open or
    coming."""
    window, _used = payment_window(region, today.year)
    if today <= window.end or (window.late_deadline is not None and today <= window.late_deadline):
        return today.year
    return today.year + 1


def waiting_policy(region, on_date=None):
    """How late or interrupted enrolment waits: ``(engine.WaitingPolicy, Region used)``.

    With ``on_date``, the policy must be in force on that date (RuleNotFound("on_date") otherwise).
    """
    criteria = {"region": getattr(region, "slug", region), "on_date": on_date}
    found = find("waiting_policy", region, criteria=criteria, missing_field="region")
    row = min(found.rows, key=rulebook.unpublished_first)
    if on_date is not None and row.valid_from and row.valid_from > on_date:
        raise found.missing("on_date", "waiting_policy", criteria)
    return engine.WaitingPolicy(
        region=found.region.slug, fixed_months=row.fixed_months, months_per_gap_year=row.months_per_gap_year,
        free_gap_years=row.free_gap_years, months_removed_per_repaid_year=row.months_removed_per_repaid_year,
        long_gap_years=row.long_gap_years, long_gap_min_months=row.long_gap_min_months or 0,
        newborn_days=row.newborn_days, exempt_groups=frozenset(group.slug for group in row.exempt_groups.all()),
        source=row.source_ref(),
    ), found.region


def _contribution(row, used):
    return engine.Contribution(
        region=used.slug, coverage_year=row.coverage_year, group=row.group.slug, individual=row.individual,
        subsidy=row.subsidy, late_individual=row.late_individual, subsidy_is_minimum=row.subsidy_is_minimum,
        source=row.source_ref(),
    )


def _contribution_rows(region, coverage_year, criteria):
    found = find("contribution", region, criteria=criteria, year=coverage_year)
    rows = sorted(found.rows, key=lambda row: (row.group.order, row.group.slug, rulebook.unpublished_first(row)))
    by_group = {}
    for row in rows:
        by_group.setdefault(row.group.slug, _contribution(row, found.region))
    return by_group, found


def contributions(region, coverage_year):
    """Every group's standard the region sets for the year (or the latest earlier year with standards).

    Returns ``({group slug: engine.Contribution}, Region used)`` in the groups' editorial order.
    """
    criteria = {"region": getattr(region, "slug", region), "coverage_year": coverage_year}
    by_group, found = _contribution_rows(region, coverage_year, criteria)
    return by_group, found.region


def contribution(region, coverage_year, group):
    """One group's contribution standard: ``(engine.Contribution, Region used)``."""
    slug = getattr(group, "slug", group)
    criteria = {"region": getattr(region, "slug", region), "coverage_year": coverage_year, "group": slug}
    by_group, found = _contribution_rows(region, coverage_year, criteria)
    if slug not in by_group:
        raise found.missing("group", "contribution", criteria)
    return by_group[slug], found.region


# ---------------------------------------------------------------------------
# Which years have rules


def _years(missing):
    rules = book()
    searched = set(missing.searched)
    return [row.coverage_year for row in rules.all(missing.kind)
            if row.region.slug in searched and hasattr(row, "coverage_year")]


def earliest_year(missing):
    """The first coverage year with rules of the missing kind in the regions searched (None: none at all)."""
    return min(_years(missing), default=None)


def latest_year(kind, region):
    """The latest coverage year with rules of ``kind`` anywhere in ``region``'s chain (None: none, or no such
    region)."""
    rules = book()
    try:
        chain = {node.pk for node in rules.chain(get_region(region))}
    except RuleNotFound:
        return None
    return max((row.coverage_year for row in rules.all(kind) if row.region_id in chain), default=None)
