"""Revisions: change a live guide or FAQ without taking it offline.

An editor starts a revision: a draft copy that waits beside the live
version. It goes through review like any draft; once it is published and
its publish_at has passed, it replaces the live version's content (the
same URL, the same history) and the copy is removed. Readers are served
by time, without a cron job: due revisions are applied on the next request
(``ApplyDueRevisionsMiddleware``) or by whoever calls ``apply_due``.

Exactly once: however many requests (on however many app servers) arrive
when a revision falls due, ``apply`` first claims the revision with a
conditional write on its row. Concurrent claims queue on that row's lock
(on SQLite, on the database's write lock); the first applies and deletes
the revision, so the others find nothing to claim.

The next due moment, remembered in the shared cache
---------------------------------------------------
The middleware does not query the database on every request: the moment
the next revision falls due is kept in the cache (``NEXT_DUE``), tagged
with the cache's current ``GENERATION``, and the database is asked again
only once that moment has passed or no valid entry is found.

Invalidation rule: every save or delete of a guide or FAQ (a revision
published or scheduled, its publish_at moved, one withdrawn or applied)
starts a new generation once its transaction has committed
(``forget_next_due``), on every app server at once since the cache is
shared. An entry tagged with an older generation is ignored, so a request
that read the database just before an edit committed can store only an
entry that nobody will believe. Entries also expire after ``MAX_AGE``,
which bounds the damage if a process dies between a commit and its
invalidation. Without the cache (Redis down) every request asks the
database: two indexed queries, as before the cache existed.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guides.models import FAQ, Guide
from core import outage
from core.workflow import Status

logger = logging.getLogger(__name__)

CONTENT = (Guide, FAQ)
APPLIED = "revision-applied"

GENERATION = "revisions:generation"
NEXT_DUE = "revisions:next-due"
MAX_AGE = 600  # seconds


def start(live, user):
    """A draft copy of ``live`` (with what belongs to it) for ``user`` to edit; the live version stays as it is."""
    model = type(live)
    number = model.objects.filter(revision_of=live).count() + 1
    slug = f"{live.slug}-rev{number}"
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{live.slug}-rev{number}"
    values = {**live.values_for_revision(), "last_author": user}
    with transaction.atomic():
        copy = model.objects.create(slug=slug, revision_of=live, status=Status.DRAFT, publish_at=None, **values)
        live.copy_parts_to(copy)
    return copy


def due(model, at=None):
    """Revisions readers would see by now: published and due, by the same rule as everything else."""
    return model.objects.visible(at or timezone.now()).filter(revision_of__isnull=False)


def apply(revision, at=None):
    """Swap ``revision`` into its live version, exactly once; None when it was applied (or withdrawn) meanwhile."""
    model = type(revision)
    at = at or timezone.now()
    with transaction.atomic():
        # The claim comes first, so that it waits for any concurrent applier to finish before reading anything.
        if not due(model, at).filter(pk=revision.pk).update(status=F("status")):
            return None
        revision = model.objects.get(pk=revision.pk)  # as committed, not as the caller read it earlier
        live = model.objects.select_for_update().get(pk=revision.revision_of_id)
        for name in model.revised_fields():
            setattr(live, name, getattr(revision, name))
        live._change_reason = APPLIED
        live._history_user = revision.last_author
        live.save()
        live.take_parts_from(revision)
        revision.delete()
    return live


def apply_due(at=None):
    at = at or timezone.now()
    applied = 0
    for model in CONTENT:
        for revision in due(model, at).order_by("publish_at", "pk"):
            if apply(revision, at) is not None:
                applied += 1
    return applied


def earliest_due_moment():
    """When the first waiting revision falls due (now, for one published without a moment); None if none waits."""
    moments = []
    for model in CONTENT:
        waiting = model.objects.filter(revision_of__isnull=False, status=Status.PUBLISHED)
        first = waiting.order_by(F("publish_at").asc(nulls_first=True)).values_list("pk", "publish_at").first()
        if first is not None:
            moments.append(first[1] or timezone.now())
    return min(moments, default=None)


def next_due_moment():
    """``earliest_due_moment()``, from the cache when it holds a valid entry (see the module's invalidation rule)."""
    values = cache.get_many([GENERATION, NEXT_DUE])
    generation, entry = values.get(GENERATION), values.get(NEXT_DUE)
    if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
        return entry[1]
    if generation is None:
        cache.add(GENERATION, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION)
    moment = earliest_due_moment()  # read after the generation: an edit committing now makes this entry void
    if generation is not None:
        cache.set(NEXT_DUE, (generation, moment), MAX_AGE)
    return moment


def new_generation():
    cache.set(GENERATION, uuid.uuid4().hex, None)


def forget_next_due(**kwargs):
    """post_save/post_delete receiver for guides and FAQs: a new generation now and once the change is committed.

    The second one is what makes it correct (see the module's docstring); the first one lets the rest of the
    same transaction (and a test that never commits) see the change too.
    """
    new_generation()
    transaction.on_commit(new_generation)


class ApplyDueRevisionsMiddleware:
    """Before a page is built, swap in the revisions whose moment has come; one cache read when none has."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            moment = next_due_moment()
            if moment is not None and moment <= timezone.now():
                apply_due()
        except Exception as error:
            if not outage.is_database_unavailable(error):
                raise
            # The page decides: robots.txt and static files need no database, the others answer 503.
            logger.warning("Due revisions not checked: the database is unavailable (%s).", error)
        return self.get_response(request)
