"""Which rule rows the calculators read, and the walk up a region's chain.

* The rules moment (``viewing``): lookups read the rows visible at a moment, by default now, so a row
  published ahead of time goes live by itself. ``viewing(at=...)`` moves it for a block (a staff preview, a
  check case); ``viewing(include_drafts=True)`` also reads drafts and rows in review, which win over the
  published row for the same case.
* The book: every rule row visible at one moment, read once (a dozen queries, whatever the number of rows)
  and kept in this process, keyed by the content version (``core.content_version``) and the moment. A book
  for "now" is used until the content version changes (any save, delete or fixture load of content) or
  until ``valid_until``, the next ``publish_at`` of a published row still in the future, whichever comes
  first; a book for a fixed moment does not expire by time; without a content version (the shared cache
  is down) nothing is kept.
* The walk (``find``): from the asked region up its chain (city -> province -> national), the rows of one
  kind that fit the case, for the latest coverage year up to the one asked, from the nearest region that
  has any: never mixed with its parents. A row marked as an example (``is_example``) is used only for its
  own region. Nothing found raises ``RuleNotFound`` with what was searched.
"""

import contextlib
import contextvars
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone

from calculators.models import (
    ContributionStandard,
    PaymentChannel,
    PaymentWindow,
    PopulationGroup,
    RecurringPaymentWindow,
    Region,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
)
from core import content_version
from core.dates import CHINA
from core.workflow import Status

# Each kind of rule: its model and what to read with its rows.
KINDS = {
    "payment_window": (PaymentWindow, (), ()),
    "recurring_window": (RecurringPaymentWindow, (), ()),
    "waiting_policy": (WaitingPolicy, (), ("exempt_groups",)),
    "contribution": (ContributionStandard, ("group",), ()),
    "benefit": (ReimbursementRule, (), ("bands",)),
    "serious_illness": (SeriousIllnessRule, (), ("bands", "reduced_groups")),
    "payment_channel": (PaymentChannel, (), ()),
}
_STATUS_RANK = {Status.REVIEW: 0, Status.DRAFT: 1, Status.PUBLISHED: 2}
MAX_KEPT = 16


def unpublished_first(row):
    """Sort key: a row in review, then a draft, then the published row (drafts mode sees all three)."""
    return _STATUS_RANK.get(row.status, len(_STATUS_RANK))


def winners(rows):
    """One row per case (its natural key without the status): a row in review or a draft wins over the
    published one. Keeps the order of ``rows``; without drafts every case has one row already."""
    rows = list(rows)
    best = {}
    for row in rows:
        key = row.natural_key()[:-1]
        if key not in best or unpublished_first(row) < unpublished_first(best[key]):
            best[key] = row
    kept = {id(row) for row in best.values()}
    return [row for row in rows if id(row) in kept]


@dataclass
class RuleBook:
    regions: dict  # slug -> Region, in editorial order
    groups: list  # PopulationGroup, in editorial order
    rows: dict  # kind -> region id -> [row, ...] in the model's order
    valid_until: datetime.datetime | None = None
    chains: dict = field(default_factory=dict)  # slug -> [Region, ...], nearest first
    memo: dict = field(default_factory=dict)  # what callers derive once per book (choices per language)

    def chain(self, region):
        """``[region, parent, ..., national]`` from the book's own regions (no query)."""
        if region.slug not in self.chains:
            by_id = {node.pk: node for node in self.regions.values()}
            chain, seen, node = [], set(), self.regions.get(region.slug, region)
            while node is not None and node.pk not in seen:
                chain.append(node)
                seen.add(node.pk)
                node = by_id.get(node.parent_id)
            self.chains[region.slug] = chain
        return self.chains[region.slug]

    def children(self, region):
        """The regions right under ``region``, in editorial order (no query; grouped once per book)."""
        if "children" not in self.memo:
            grouped = defaultdict(list)
            for node in self.regions.values():
                grouped[node.parent_id].append(node)
            self.memo["children"] = grouped
        return self.memo["children"].get(region.pk, [])

    def of(self, kind, region):
        return self.rows[kind].get(region.pk, [])

    def all(self, kind):
        return [row for rows in self.rows[kind].values() for row in rows]


def read(at, include_drafts):
    """A fresh book of the rows visible at ``at`` (drafts and rows in review too with ``include_drafts``)."""
    regions = {region.slug: region for region in Region.objects.all()}
    by_id = {region.pk: region for region in regions.values()}
    rows = {}
    for kind, (model, related, prefetched) in KINDS.items():
        queryset = model.objects.visible(at, include_drafts=include_drafts)
        if related:
            queryset = queryset.select_related(*related)
        queryset = queryset.prefetch_related(*prefetched)
        found = winners(queryset) if include_drafts else list(queryset)
        by_region = defaultdict(list)
        for row in found:
            row.region = by_id[row.region_id]  # shared instances: natural keys and chains cost no query
            by_region[row.region_id].append(row)
        rows[kind] = dict(by_region)
    return RuleBook(regions=regions, groups=list(PopulationGroup.objects.all()), rows=rows,
                    valid_until=next_publication(at))


def next_publication(at):
    """The first ``publish_at`` after ``at`` of a published rule row: when a book read at ``at`` goes stale."""
    moments = [model.objects.filter(status=Status.PUBLISHED, publish_at__gt=at)
               .aggregate(first=Min("publish_at"))["first"] for model, _related, _prefetched in KINDS.values()]
    return min((moment for moment in moments if moment is not None), default=None)


_books = content_version.InProcess(max_values=MAX_KEPT)


def book_for(moment):
    """The book for a ``RulesMoment``, from memory while still true."""
    at = moment.when()
    return _books.get(lambda: read(at, moment.include_drafts), key=(moment.at, moment.include_drafts), at=at)


def forget():
    """Drop every kept book (tests; a deploy's first request reads afresh anyway)."""
    _books.forget()


# ---------------------------------------------------------------------------
# The rules moment


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
    return book_for(current())


# ---------------------------------------------------------------------------
# The walk up a region's chain


class RuleNotFound(LookupError):
    """No rule matches.

    ``field``: what did not match, one of "region", "coverage_year", "scheme", "employee_status",
    "visit", "tier", "level", "on_date", "group", "bands" (a rule with no bands saved).
    ``kind``: which rule was asked for (a ``KINDS`` key, or "region").
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
    kind: str
    criteria: dict

    def missing(self, field):
        return RuleNotFound(field, kind=self.kind, region=self.region, searched=self.searched,
                            criteria=self.criteria)

    def narrow(self, rows, field, fits):
        """The rows that ``fits`` keeps; ``RuleNotFound(field)`` with what was searched when none is left."""
        kept = [row for row in rows if fits(row)]
        if not kept:
            raise self.missing(field)
        return kept


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
                 tuple(node.slug for node in chain[:depth + 1]), kind, criteria)


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
