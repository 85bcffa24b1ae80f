"""From rule rows to engine inputs: the only place that queries policy rules.

Every lookup starts at the asked region and walks ``Region.chain()`` (city -> province -> national).
The first region that sets the *kind* of rule asked for is used, and the answer comes from that region
only, never mixed with its parents:

* benefits: the first region with any reimbursement rule for the coverage year, scheme and kind of care
  (``visit``); employee status, tier, facility level and date are then looked up inside it;
* serious illness: the first region with a rule for the coverage year;
* payment windows: the first region with a window for the coverage year;
* waiting periods: the first region with a policy;
* contributions: the first region with any standard for the coverage year; the group is looked up inside it.

So a region that sets its own outpatient rules for primary care only does not borrow a level-3 outpatient
rule from its province: the answer is ``RuleNotFound("level")`` for that region, which is what its
rules say (nothing is stated there).

Each function returns the engine dataclass (or a mapping of them) and the ``Region`` actually used.
Every engine dataclass carries a ``SourceRef`` whose ``checked_on`` says when an editor last checked
it; ``rules_checked_on`` gives the latest of those for a set of answers ("rules as of").

Regions and groups may be given as slugs or model instances; dates as ``datetime.date``.

Rules as of a moment
--------------------
Every lookup reads only the rows visible at the current "rules moment" (``visible_rows``): published
rows whose ``publish_at`` has passed. By default that moment is now, so a rule published ahead of time
goes live by itself. ``viewing`` moves it for a block of code (a staff preview of a future date, a check
case run)::

    with rules.viewing(at=datetime(2026, 1, 1, tzinfo=CHINA)):
        rules.payment_window("hubei", 2026)

``viewing(include_drafts=True)`` also reads drafts and rows in review, and lets them win over the
published row for the same case (in review before draft before published; see ``_unpublished_first``):
how a check case tries a draft change before it is published.
"""

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from calculators.engine import rules as engine
from calculators.models import (
    LEVEL_ORDER,
    ContributionStandard,
    PaymentWindow,
    EmployeeStatus,
    Level,
    PopulationGroup,
    Region,
    ReimbursementRule,
    Scheme,
    SeriousIllnessRule,
    Visit,
    WaitingPolicy,
)
from portal.workflow import Status

__all__ = [
    "CHINA",
    "RulesMoment",
    "viewing",
    "current",
    "now",
    "today",
    "visible_rows",
    "winners",
    "RuleNotFound",
    "get_region",
    "regions",
    "population_groups",
    "benefit_rule",
    "tiers_for",
    "levels_for",
    "serious_illness_rule",
    "payment_window",
    "waiting_policy",
    "contribution",
    "contributions",
    "rules_checked_on",
]


# Rules take effect on China's calendar, whatever the server's time zone.
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class RulesMoment:
    """Which rule rows the lookups read: those visible at ``at`` (None: the time of each query)."""

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
    """Read the rules as they are (or will be) at ``at`` inside the block.

    ``at``: a datetime, or a date (its first moment in China); None is now. ``include_drafts``: drafts and
    rows in review count too and win over the published row for the same case. Blocks nest; each one
    sets both values. Yields the ``RulesMoment``.
    """
    moment = RulesMoment(_as_moment(at), bool(include_drafts))
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)


def current():
    """The ``RulesMoment`` in effect."""
    return _moment.get()


def now():
    """The moment the rules are read for (a datetime)."""
    return current().when()


def today():
    """The date in China at the rules moment: what the calculators take as today."""
    return current().today()


def visible_rows(model):
    """``model``'s rows as the current rules moment sees them: the one door to rule rows."""
    moment = current()
    return model.objects.seen_at(moment.when(), include_drafts=moment.include_drafts)


_STATUS_RANK = {Status.REVIEW: 0, Status.DRAFT: 1, Status.PUBLISHED: 2}


def _unpublished_first(row):
    """Sort key: a row in review, then a draft, then the published row (drafts mode sees all three)."""
    return _STATUS_RANK.get(row.status, len(_STATUS_RANK))


def _case_key(row):
    """The row's natural key without its status: rows sharing it are versions of one rule."""
    return row.natural_key()[:-1]


def winners(rows):
    """One row per case (``_case_key``): a row in review or a draft wins over the published one.

    Keeps the order of ``rows``. Without drafts every case has one row, and this changes nothing.
    """
    rows = list(rows)
    best = {}
    for row in rows:
        key = _case_key(row)
        if key not in best or _unpublished_first(row) < _unpublished_first(best[key]):
            best[key] = row
    kept = {id(row) for row in best.values()}
    return [row for row in rows if id(row) in kept]


class RuleNotFound(LookupError):
    """No rule matches.

    ``field``: what did not match, one of "region", "coverage_year", "scheme", "employee_status",
    "visit", "tier", "level", "on_date", "group", "bands" (a rule with no bands saved).
    ``kind``: which rule was asked for ("benefit", "serious_illness", "payment_window",
    "waiting_policy", "contribution", "region").
    ``region``: the Region whose rules were searched last (None when the region itself is unknown);
    ``searched``: the slugs walked, nearest first; ``criteria``: what was asked.
    """

    def __init__(self, field, *, kind, region=None, searched=(), criteria=None):
        self.field = field
        self.kind = kind
        self.region = region
        self.searched = tuple(searched)
        self.criteria = dict(criteria or {})
        asked = ", ".join(f"{key}={value!r}" for key, value in self.criteria.items())
        if kind == "region":
            message = f"Unknown region ({asked})"
        else:
            where = f" in {' -> '.join(self.searched)}" if self.searched else ""
            message = f"No {kind.replace('_', ' ')} rule{where}: nothing matches {field} ({asked})"
        super().__init__(message)


# ---------------------------------------------------------------------------
# Regions and groups


def get_region(region):
    """A Region from a slug (or the Region itself); RuleNotFound("region") when unknown."""
    if isinstance(region, Region):
        return region
    try:
        return Region.objects.select_related("parent__parent__parent").get(slug=region)
    except Region.DoesNotExist:
        raise RuleNotFound("region", kind="region", criteria={"region": region}) from None


def regions():
    """All regions, in their editorial order (for choosing one)."""
    return list(Region.objects.select_related("parent"))


def population_groups():
    """All population groups, in their editorial order."""
    return list(PopulationGroup.objects.all())


def _slug(value):
    return getattr(value, "slug", value)


def _nearest(region, queryset_for):
    """The first region in ``region``'s chain for which ``queryset_for(region)`` has rows."""
    chain = region.chain()
    for candidate in chain:
        rows = queryset_for(candidate)
        if rows.exists():
            return candidate, rows, chain
    return None, None, chain


def _searched(chain):
    return [node.slug for node in chain]


def _bands(row):
    return tuple(engine.Band(lower=band.lower, upper=band.upper, ratio=band.ratio)
                 for band in row.bands.order_by("order", "lower"))


# ---------------------------------------------------------------------------
# Benefits of the basic fund


def _benefit_rows(region, scheme, status, tier, visit, on_date, criteria):
    """Rows of the region that sets (year, scheme, visit), narrowed by status and tier: (rows, region)."""
    for field, value, choices in (("scheme", scheme, Scheme.values), ("visit", visit, Visit.values),
                                  ("employee_status", status, EmployeeStatus.values)):
        if value not in choices:
            raise RuleNotFound(field, kind="benefit", criteria=criteria)
    if tier is not None and tier not in (1, 2, 3):
        raise RuleNotFound("tier", kind="benefit", criteria=criteria)
    region = get_region(region)
    year = on_date.year
    used, rows, chain = _nearest(
        region,
        lambda node: visible_rows(ReimbursementRule).filter(
            region=node, coverage_year=year, scheme=scheme, visit=visit
        ),
    )
    if used is None:
        in_chain = visible_rows(ReimbursementRule).filter(region__in=chain)
        if not in_chain.filter(coverage_year=year).exists():
            field = "coverage_year"
        elif not in_chain.filter(coverage_year=year, scheme=scheme).exists():
            field = "scheme"
        else:
            field = "visit"
        raise RuleNotFound(field, kind="benefit", region=chain[-1], searched=_searched(chain),
                           criteria=criteria)

    def missing(field):
        return RuleNotFound(field, kind="benefit", region=used,
                            searched=_searched(chain[:chain.index(used) + 1]),
                            criteria=criteria)

    rows = rows.filter(employee_status=status)
    if not rows.exists():
        raise missing("employee_status")
    # A rule for the asked tier wins over one without a tier; a rule without a tier holds for every tier.
    if tier is None:
        rows = rows.filter(tier__isnull=True)
    else:
        rows = rows.filter(Q(tier=tier) | Q(tier__isnull=True))
    if not rows.exists():
        raise missing("tier")
    return rows, used, missing


def benefit_rule(region, scheme, status, tier, visit, level, on_date):
    """The basic fund's rule for one case on a treatment date: ``(engine.BenefitRule, Region used)``.

    ``scheme``: "resident" or "employee"; ``status``: "" (residents; None is taken as "") or
    "working"/"retired"; ``tier``: 1-3 or None (None finds only rules that hold for every tier; see
    ``tiers_for``); ``visit``: "inpatient", "outpatient", "chronic", "special"; ``level``: "grassroots",
    "level1", "level2", "level3". The rule is the one for coverage year ``on_date.year`` whose validity
    contains ``on_date``.
    """
    status = status or ""
    criteria = {"region": _slug(region), "scheme": scheme, "status": status, "tier": tier, "visit": visit,
                "level": level, "on_date": on_date}
    if level not in Level.values:
        raise RuleNotFound("level", kind="benefit", criteria=criteria)
    rows, used, missing = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    rows = rows.filter(level=level)
    if not rows.exists():
        raise missing("level")
    candidates = list(rows.in_force_on(on_date).prefetch_related("bands"))
    if not candidates:
        raise missing("on_date")
    # The asked tier before no tier; then a draft before the published rule (drafts mode only); then the
    # latest start (validation keeps one per case and status anyway).
    candidates.sort(key=lambda row: (row.tier is None, _unpublished_first(row),
                                     -(row.valid_from or datetime.date.min).toordinal()))
    row = candidates[0]
    bands = _bands(row)
    if not bands:
        raise missing("bands")
    return engine.BenefitRule(
        region=used.slug,
        coverage_year=row.coverage_year,
        deductible=row.deductible,
        deductible_per=row.deductible_per,
        bands=bands,
        annual_limit=row.annual_limit,
        signed_bonus=row.signed_bonus,
        mountain_bonus=row.mountain_bonus,
        source=row.source_ref(),
    ), used


def tiers_for(region, coverage_year, scheme=Scheme.RESIDENT):
    """Which contribution tiers a region's rules distinguish: ``(tuple of tiers, Region used)``.

    Uses the first region in the chain with any rule of ``scheme`` for the year; an empty tuple means its
    rules hold for every tier (there is nothing to ask).
    """
    criteria = {"region": _slug(region), "coverage_year": coverage_year, "scheme": scheme}
    region = get_region(region)
    used, rows, chain = _nearest(
        region, lambda node: visible_rows(ReimbursementRule).filter(region=node, coverage_year=coverage_year,
                                                                    scheme=scheme),
    )
    if used is None:
        raise RuleNotFound("coverage_year", kind="benefit", region=chain[-1], searched=_searched(chain),
                           criteria=criteria)
    tiers = rows.exclude(tier__isnull=True).values_list("tier", flat=True).distinct()
    return tuple(sorted(set(tiers))), used


def levels_for(region, scheme, status, tier, visit, on_date):
    """Facility levels with a rule in force for this case on ``on_date``: ``(tuple of levels, Region used)``.

    Same arguments and the same region as ``benefit_rule``, without the level; levels come lowest first.
    """
    status = status or ""
    criteria = {"region": _slug(region), "scheme": scheme, "status": status, "tier": tier, "visit": visit,
                "on_date": on_date}
    rows, used, missing = _benefit_rows(region, scheme, status, tier, visit, on_date, criteria)
    levels = set(rows.in_force_on(on_date).values_list("level", flat=True))
    if not levels:
        raise missing("on_date")
    return tuple(sorted(levels, key=LEVEL_ORDER.__getitem__)), used


# ---------------------------------------------------------------------------
# Serious-illness insurance


def serious_illness_rule(region, on_date):
    """The serious-illness rule in force on ``on_date``: ``(engine.SeriousIllnessRule, Region used)``.

    Bands are amounts of the patient's own yearly burden; the first starts at ``deductible``.
    """
    criteria = {"region": _slug(region), "on_date": on_date}
    region = get_region(region)
    used, rows, chain = _nearest(
        region, lambda node: visible_rows(SeriousIllnessRule).filter(region=node, coverage_year=on_date.year),
    )
    if used is None:
        raise RuleNotFound("coverage_year", kind="serious_illness", region=chain[-1],
                           searched=_searched(chain), criteria=criteria)
    searched = _searched(chain[:chain.index(used) + 1])
    candidates = list(rows.in_force_on(on_date).prefetch_related("bands", "reduced_groups"))
    if not candidates:
        raise RuleNotFound("on_date", kind="serious_illness", region=used, searched=searched,
                           criteria=criteria)
    candidates.sort(key=lambda row: (_unpublished_first(row),
                                     -(row.valid_from or datetime.date.min).toordinal()))
    row = candidates[0]
    bands = _bands(row)
    if not bands:
        raise RuleNotFound("bands", kind="serious_illness", region=used, searched=searched, criteria=criteria)
    return engine.SeriousIllnessRule(
        region=used.slug,
        coverage_year=row.coverage_year,
        deductible=row.deductible,
        reduced_deductible=row.reduced_deductible,
        reduced_groups=frozenset(group.slug for group in row.reduced_groups.all()),
        bands=bands,
        annual_cap=row.annual_cap,
        source=row.source_ref(),
    ), used


# ---------------------------------------------------------------------------
# Paying, waiting, contributing


def payment_window(region, coverage_year):
    """When to pay for ``coverage_year``: ``(engine.PaymentWindow, Region used)``."""
    criteria = {"region": _slug(region), "coverage_year": coverage_year}
    region = get_region(region)
    used, rows, chain = _nearest(
        region, lambda node: visible_rows(PaymentWindow).filter(region=node, coverage_year=coverage_year)
    )
    if used is None:
        raise RuleNotFound("coverage_year", kind="payment_window", region=chain[-1],
                           searched=_searched(chain), criteria=criteria)
    row = min(rows.select_related("region"), key=_unpublished_first)
    return engine.PaymentWindow(
        region=used.slug,
        coverage_year=row.coverage_year,
        start=row.start,
        end=row.end,
        late_deadline=row.late_deadline,
        late_cover=row.late_cover,
        source=row.source_ref(),
    ), used


def waiting_policy(region, on_date=None):
    """How late or interrupted enrolment waits: ``(engine.WaitingPolicy, Region used)``.

    With ``on_date``, the policy must be in force on that date (RuleNotFound("on_date") otherwise).
    """
    criteria = {"region": _slug(region), "on_date": on_date}
    region = get_region(region)
    used, rows, chain = _nearest(region, lambda node: visible_rows(WaitingPolicy).filter(region=node))
    if used is None:
        raise RuleNotFound("region", kind="waiting_policy", region=chain[-1], searched=_searched(chain),
                           criteria=criteria)
    row = min(rows.prefetch_related("exempt_groups"), key=_unpublished_first)
    if on_date is not None and row.valid_from and row.valid_from > on_date:
        raise RuleNotFound("on_date", kind="waiting_policy", region=used,
                           searched=_searched(chain[:chain.index(used) + 1]), criteria=criteria)
    return engine.WaitingPolicy(
        region=used.slug,
        fixed_months=row.fixed_months,
        months_per_gap_year=row.months_per_gap_year,
        free_gap_years=row.free_gap_years,
        months_removed_per_repaid_year=row.months_removed_per_repaid_year,
        exempt_groups=frozenset(group.slug for group in row.exempt_groups.all()),
        newborn_days=row.newborn_days,
        source=row.source_ref(),
    ), used


def _contribution(row, used):
    return engine.Contribution(
        region=used.slug,
        coverage_year=row.coverage_year,
        group=row.group.slug,
        individual=row.individual,
        subsidy=row.subsidy,
        late_individual=row.late_individual,
        source=row.source_ref(),
    )


def _contribution_rows(region, coverage_year, criteria):
    region = get_region(region)
    used, rows, chain = _nearest(
        region,
        lambda node: visible_rows(ContributionStandard).filter(region=node, coverage_year=coverage_year),
    )
    if used is None:
        raise RuleNotFound("coverage_year", kind="contribution", region=chain[-1], searched=_searched(chain),
                           criteria=criteria)
    return rows.select_related("region", "group").order_by("group__order", "group__slug"), used, chain


def contribution(region, coverage_year, group):
    """One group's contribution standard for ``coverage_year``: ``(engine.Contribution, Region used)``."""
    criteria = {"region": _slug(region), "coverage_year": coverage_year, "group": _slug(group)}
    rows, used, chain = _contribution_rows(region, coverage_year, criteria)
    row = min(rows.filter(group__slug=_slug(group)), key=_unpublished_first, default=None)
    if row is None:
        raise RuleNotFound("group", kind="contribution", region=used,
                           searched=_searched(chain[:chain.index(used) + 1]), criteria=criteria)
    return _contribution(row, used), used


def contributions(region, coverage_year):
    """Every group's standard the region sets for the year.

    Returns ``({group slug: engine.Contribution}, Region used)``.

    The mapping is in the groups' editorial order.
    """
    criteria = {"region": _slug(region), "coverage_year": coverage_year}
    rows, used, _chain = _contribution_rows(region, coverage_year, criteria)
    return {row.group.slug: _contribution(row, used) for row in winners(rows)}, used


# ---------------------------------------------------------------------------
# Rules as of


def _sources(items):
    for item in items:
        if item is None or isinstance(item, Region):
            continue
        if isinstance(item, engine.SourceRef):
            yield item
        elif isinstance(item, Mapping):
            yield from _sources(item.values())
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            yield from _sources(item)
        elif getattr(item, "source", None) is not None:
            yield item.source


def rules_checked_on(*items):
    """The latest ``checked_on`` among the rules used for one answer ("rules as of"), or None.

    Takes engine dataclasses, SourceRefs, mappings of them (``contributions()``) and the ``(rule, region)``
    pairs the functions here return, in any mix.
    """
    dates = [source.checked_on for source in _sources(items) if source.checked_on is not None]
    return max(dates, default=None)


def latest_year(missing):
    """The last coverage year with rules of the missing kind in the regions searched, to suggest instead."""
    model = {"benefit": ReimbursementRule, "serious_illness": SeriousIllnessRule, "payment_window": PaymentWindow,
             "contribution": ContributionStandard}.get(missing.kind)
    if model is None or not missing.searched:
        return None
    rows = visible_rows(model).filter(region__slug__in=missing.searched)
    return rows.order_by("-coverage_year").values_list("coverage_year", flat=True).first()
