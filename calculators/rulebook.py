"""Every rule row visible at one moment, read once and kept in memory.

The calculators and the regional tables look rules up many times per page; reading them from the
database each time cost a query per region of a chain. A ``RuleBook`` is one read of every rule table
(a dozen queries, whatever the number of rows), after which every lookup is a walk over Python lists.

Kept in this process, keyed by the content version (``core.content_version``) and the moment's
settings (``at``, ``include_drafts``):

* a book for "now" is used until the content version changes (any save, delete or fixture load of
  content) or until ``valid_until``, the next ``publish_at`` moment of a published row still in the
  future when the book was read, whichever comes first;
* a book for a fixed moment (a staff preview, a check-case run) does not expire by time;
* without a content version (the shared cache is down) nothing is kept: every call reads afresh.
"""

import datetime
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min

from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    PopulationGroup,
    RecurringPaymentWindow,
    Region,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
)
from core import content_version
from core.workflow import Status

# Each kind of rule: its model and what to read with its rows.
KINDS = {
    "payment_window": (PaymentWindow, (), ()),
    "recurring_window": (RecurringPaymentWindow, (), ()),
    "waiting_policy": (WaitingPolicy, (), ("exempt_groups",)),
    "contribution": (ContributionStandard, ("group",), ()),
    "benefit": (ReimbursementRule, (), ("bands",)),
    "serious_illness": (SeriousIllnessRule, (), ("bands", "reduced_groups")),
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


_kept = {}
_lock = threading.Lock()


def book_for(moment):
    """The book for a ``calculators.rules.RulesMoment``, from memory when still true."""
    version = content_version.current()
    at = moment.when()
    if version is None:
        return read(at, moment.include_drafts)
    key = (version, moment.at, moment.include_drafts)
    kept = _kept.get(key)
    if kept is not None and (moment.at is not None or kept.valid_until is None or at < kept.valid_until):
        return kept
    fresh = read(at, moment.include_drafts)
    with _lock:
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = fresh
    return fresh


def forget():
    """Drop every kept book (tests; a deploy's first request reads afresh anyway)."""
    _kept.clear()
