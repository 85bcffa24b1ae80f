"""Revisions: change a live guide or FAQ without taking it offline.

An editor starts a revision: a draft copy that waits beside the live
version. It goes through review like any draft; once it is published and
its publish_at has passed, it replaces the live version's content (the
same URL, the same history) and the copy is removed. Readers are served
by time, without a cron job: due revisions are applied on the next request
(``ApplyDueRevisionsMiddleware``) or by whoever calls ``apply_due``.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from guides.models import FAQ, Guide
from portal.workflow import Status

REVISED_FIELDS = {
    Guide: ["topic", "title_zh", "title_ru", "summary_zh", "summary_ru", "body_zh", "body_ru", "updated_on",
            "policy_year", "order", "is_major_change", "change_note_zh", "change_note_ru", "last_author"],
    FAQ: ["topic", "question_zh", "question_ru", "answer_zh", "answer_ru", "order", "updated_on", "last_author"],
}
APPLIED = "revision-applied"


def start(live, user):
    """A draft copy of ``live`` (with its sources) for ``user`` to edit; the live version stays as it is."""
    model = type(live)
    number = model.objects.filter(revision_of=live).count() + 1
    slug = f"{live.slug}-rev{number}"
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{live.slug}-rev{number}"
    values = {name: getattr(live, name) for name in REVISED_FIELDS[model]}
    values.update(last_author=user)
    if model is Guide:
        values.update(published_on=live.published_on, is_major_change=False, change_note_zh="", change_note_ru="")
    with transaction.atomic():
        copy = model.objects.create(slug=slug, revision_of=live, status=Status.DRAFT, publish_at=None, **values)
        if model is Guide:
            for source in live.sources.all():
                source.pk, source.guide = None, copy
                source.save()
    return copy


def due(model, at=None):
    at = at or timezone.now()
    return (model.objects.filter(revision_of__isnull=False, status=Status.PUBLISHED)
            .filter(Q(publish_at__isnull=True) | Q(publish_at__lte=at)))


@transaction.atomic
def apply(revision):
    live = type(revision).objects.select_for_update().get(pk=revision.revision_of_id)
    for name in REVISED_FIELDS[type(revision)]:
        setattr(live, name, getattr(revision, name))
    live._change_reason = APPLIED
    live._history_user = revision.last_author
    live.save()
    if isinstance(revision, Guide):
        live.sources.all().delete()
        revision.sources.update(guide=live)
    revision.delete()
    return live


def apply_due(at=None):
    applied = 0
    for model in REVISED_FIELDS:
        for revision in due(model, at).order_by("publish_at", "pk"):
            apply(revision)
            applied += 1
    return applied


class ApplyDueRevisionsMiddleware:
    """Before a page is built, swap in the revisions whose moment has come (two indexed queries when none has)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(due(model).exists() for model in REVISED_FIELDS):
            apply_due()
        return self.get_response(request)
