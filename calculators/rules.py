"""From rule rows to engine inputs: the only place the calculators look rules up.

Each lookup finds its rows with ``rulebook.find`` (the walk up the asked region's chain, at the current
rules moment) and returns the engine dataclass (or a mapping of them) with the ``Region`` actually used;
the dataclass's ``coverage_year`` is the year whose rules were used. Payment windows are dated, so they
never come from another year: a region's own window for the year, or else the usual period
(``RecurringPaymentWindow``) of the nearest region that has one.

    with rules.viewing(at=datetime(2026, 1, 1, tzinfo=CHINA)):
        rules.payment_window("hubei", 2026)
"""

import datetime

from calculators import rulebook
from calculators.choices import LEVEL_ORDER, EmployeeStatus, Level, Scheme, Visit
from calculators.engine import rules as engine

# The whole lookup API is used through this module; the moment and the walk live in rulebook.
from calculators.rulebook import (  # noqa: F401, I001
    RuleNotFound, RulesMoment, book, current, earliest_year, find, get_region, latest_year, population_groups,
    regions, today, viewing,
)
from core.dates import CHINA  # noqa: F401


def _best(rows):
    """The row to use among versions of one rule: a draft before the published one, then the latest start."""
    return min(rows, key=lambda row: (rulebook.unpublished_first(row),
                                      -(getattr(row, "valid_from", None) or datetime.date.min).toordinal()))


def _bands(row):
    return tuple(engine.Band(lower=band.lower, upper=band.upper, ratio=band.ratio) for band in row.bands.all())


def _rule_day(found, on_date):
    """The day whose rules apply: the treatment date, or the last day of the earlier year used instead."""
    return on_date if found.year == on_date.year else datetime.date(found.year, 12, 31)


def _asked(region, **criteria):
    return {"region": getattr(region, "slug", region), **criteria}


# ---------------------------------------------------------------------------
# Benefits of the basic fund


def _benefit_rows(region, scheme, status, tier, visit, on_date, criteria):
    """The rows of the region and year that set (scheme, visit), narrowed by status and tier."""
    checks = [("level", criteria["level"], Level.values)] if "level" in criteria else []
    checks += [("scheme", scheme, Scheme.values), ("visit", visit, Visit.values),
               ("employee_status", status, EmployeeStatus.values), ("tier", tier, (None, 1, 2, 3))]
    for name, value, allowed in checks:
        if value not in allowed:
            raise RuleNotFound(name, kind="benefit", criteria=criteria)
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
    rows = found.narrow(found.rows, "employee_status", lambda row: row.employee_status == status)
    # A rule for the asked tier wins over one without a tier; a rule without a tier holds for every tier.
    rows = found.narrow(rows, "tier", lambda row: row.tier is None or (tier is not None and row.tier == tier))
    return rows, found


def benefit_rule(region, scheme, status, tier, visit, level, on_date):
    """The basic fund's rule for one case on a treatment date: ``(engine.BenefitRule, Region used)``.

    ``scheme``: "resident" or "employee"; ``status``: "" (residents; None is taken as "") or
    "working"/"retired"; ``tier``: 1-3 or None (None finds only rules that hold for every tier; see
    ``tiers_for``); ``visit``; ``level``. The rule is the one for coverage year ``on_date.year`` (or the
    latest earlier year with rules) in force on ``on_date`` (or at the end of that earlier year).
    """
    status = status or ""
    criteria = _asked(region, scheme=scheme, status=status, tier=tier, visit=visit, level=level, on_date=on_date)
    rows, found = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    rows = found.narrow(rows, "level", lambda row: row.level == level)
    day = _rule_day(found, on_date)
    rows = found.narrow(rows, "on_date", lambda row: row.in_force_on(day))
    row = _best([row for row in rows if row.tier is not None] or rows)
    bands = _bands(row)
    if not bands:
        raise found.missing("bands")
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
    criteria = _asked(region, coverage_year=coverage_year, scheme=scheme)
    found = find("benefit", region, criteria=criteria, year=coverage_year, fits=lambda row: row.scheme == scheme)
    return tuple(sorted({row.tier for row in found.rows if row.tier is not None})), found.region


def levels_for(region, scheme, status, tier, visit, on_date):
    """Facility levels with a rule in force for this case: ``(tuple of levels, Region used)``, lowest first."""
    status = status or ""
    criteria = _asked(region, scheme=scheme, status=status, tier=tier, visit=visit, on_date=on_date)
    rows, found = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    day = _rule_day(found, on_date)
    levels = {row.level for row in found.narrow(rows, "on_date", lambda row: row.in_force_on(day))}
    return tuple(sorted(levels, key=LEVEL_ORDER.__getitem__)), found.region


def visits_for(region, scheme, on_date):
    """Kinds of care the region's rules of ``scheme`` cover for the date's year (or the latest earlier one)."""
    criteria = _asked(region, scheme=scheme, on_date=on_date)
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
    found = find("serious_illness", region, criteria=_asked(region, on_date=on_date), year=on_date.year)
    day = _rule_day(found, on_date)
    row = _best(found.narrow(found.rows, "on_date", lambda row: row.in_force_on(day)))
    bands = _bands(row)
    if not bands:
        raise found.missing("bands")
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
    criteria = _asked(region, coverage_year=coverage_year)
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


def default_coverage_year(region, day):
    """The coverage year a payment question is most likely about on ``day``: this year's while its payment
    period (or the region's own late period) still runs, otherwise next year's, whose period is open or
    coming."""
    window, _used = payment_window(region, day.year)
    if day <= window.end or (window.late_deadline is not None and day <= window.late_deadline):
        return day.year
    return day.year + 1


def waiting_policy(region, on_date=None):
    """How late or interrupted enrolment waits: ``(engine.WaitingPolicy, Region used)``.

    With ``on_date``, the policy must be in force on that date (RuleNotFound("on_date") otherwise).
    """
    found = find("waiting_policy", region, criteria=_asked(region, on_date=on_date), missing_field="region")
    row = min(found.rows, key=rulebook.unpublished_first)
    if on_date is not None and row.valid_from and row.valid_from > on_date:
        raise found.missing("on_date")
    return engine.WaitingPolicy(
        region=found.region.slug, fixed_months=row.fixed_months, months_per_gap_year=row.months_per_gap_year,
        free_gap_years=row.free_gap_years, months_removed_per_repaid_year=row.months_removed_per_repaid_year,
        long_gap_years=row.long_gap_years, long_gap_min_months=row.long_gap_min_months or 0,
        newborn_days=row.newborn_days, exempt_groups=frozenset(group.slug for group in row.exempt_groups.all()),
        source=row.source_ref(),
    ), found.region


def _contribution_rows(region, coverage_year, criteria):
    found = find("contribution", region, criteria=criteria, year=coverage_year)
    rows = sorted(found.rows, key=lambda row: (row.group.order, row.group.slug, rulebook.unpublished_first(row)))
    by_group = {}
    for row in rows:
        by_group.setdefault(row.group.slug, engine.Contribution(
            region=found.region.slug, coverage_year=row.coverage_year, group=row.group.slug,
            individual=row.individual, subsidy=row.subsidy, late_individual=row.late_individual,
            subsidy_is_minimum=row.subsidy_is_minimum, source=row.source_ref()))
    return by_group, found


def contributions(region, coverage_year):
    """Every group's standard the region sets for the year (or the latest earlier year with standards).

    Returns ``({group slug: engine.Contribution}, Region used)`` in the groups' editorial order.
    """
    by_group, found = _contribution_rows(region, coverage_year, _asked(region, coverage_year=coverage_year))
    return by_group, found.region


def contribution(region, coverage_year, group):
    """One group's contribution standard: ``(engine.Contribution, Region used)``."""
    slug = getattr(group, "slug", group)
    by_group, found = _contribution_rows(region, coverage_year, _asked(region, coverage_year=coverage_year,
                                                                       group=slug))
    if slug not in by_group:
        raise found.missing("group")
    return by_group[slug], found.region
