"""A live guide is changed through a revision that waits beside it: readers keep the live version until
the revision is published, then the same URL shows the new text."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.urls import reverse

from guides import revisions
from guides.models import FAQ, Guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="pw", is_staff=True)


def test_a_revision_is_a_draft_copy_and_readers_keep_the_live_version(client, guide, editor):
    revision = revisions.start(guide, editor)
    assert (revision.status, revision.revision_of, revision.last_author) == ("draft", guide, editor)
    assert revision.sources.count() == guide.sources.count() == 1
    revision.title_zh = "修订后的标题"
    revision.save()
    assert list(Guide.objects.published()) == [guide]
    assert "<h1>怎么缴费</h1>" in client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert client.get(f"/zh-hans/guides/{revision.slug}/").status_code == 404  # not a page of its own


def test_a_published_revision_replaces_the_live_text_at_its_moment(client, guide, editor):
    revision = revisions.start(guide, editor)
    moment = timezone.now() + datetime.timedelta(hours=2)
    revision.title_zh, revision.status, revision.publish_at = "修订后的标题", "published", moment
    revision.save()
    client.get("/zh-hans/")  # a request before the moment changes nothing
    assert Guide.objects.get(pk=guide.pk).title_zh == "怎么缴费"
    assert revisions.apply_due(at=moment + datetime.timedelta(minutes=1)) == 1
    guide.refresh_from_db()
    assert guide.title_zh == "修订后的标题" and guide.status == "published"
    assert not Guide.objects.filter(revision_of=guide).exists()
    assert guide.sources.count() == 1
    assert "<h1>修订后的标题</h1>" in client.get("/zh-hans/guides/how-to-pay/").content.decode()


def test_the_next_request_applies_a_revision_published_for_now(client, guide, editor):
    revision = revisions.start(guide, editor)
    revision.body_ru, revision.status = "## Новое\n\nТекст после проверки.", "published"
    revision.save()
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert "Текст после проверки." in page


def test_faq_revisions_work_the_same_way(client, faq, editor):
    revision = revisions.start(faq, editor)
    revision.answer_ru, revision.status = "Новый ответ.", "published"
    revision.save()
    assert "Новый ответ." in client.get("/ru/faq/").content.decode()
    assert FAQ.objects.count() == 1


def test_editors_start_a_revision_from_the_list(client, guide):
    from django.contrib.auth.models import Group

    editor = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    with translation.override("ru"):
        url = reverse("admin:guides_guide_changelist")
    response = client.post(url, {"action": "start_revision", "_selected_action": [guide.pk]}, follow=True)
    assert response.status_code == 200
    revision = Guide.objects.get(revision_of=guide)
    assert revision.last_author == editor and revision.status == "draft"


def test_a_request_with_nothing_due_costs_no_query_once_the_moment_is_remembered(client, guide,
                                                                                  django_assert_num_queries):
    client.get("/robots.txt")  # remembers "nothing waits"
    with django_assert_num_queries(0):
        assert client.get("/robots.txt").status_code == 200


def test_a_newly_scheduled_revision_is_applied_on_the_first_request_after_its_moment(client, guide, editor):
    import time

    client.get("/robots.txt")  # the remembered moment: nothing waits
    revision = revisions.start(guide, editor)
    moment = timezone.now() + datetime.timedelta(seconds=1)
    revision.title_zh, revision.status, revision.publish_at = "按时上线", "published", moment
    revision.save()  # scheduling it makes the remembered moment void
    client.get("/robots.txt")
    assert Guide.objects.get(pk=guide.pk).title_zh == "怎么缴费"
    assert revisions.next_due_moment() == moment
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
    assert "<h1>按时上线</h1>" in client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert revisions.next_due_moment() is None


def test_moving_a_scheduled_revision_later_is_seen_by_the_remembered_moment(guide, editor):
    revision = revisions.start(guide, editor)
    soon, later = (timezone.now() + datetime.timedelta(hours=h) for h in (1, 5))
    revision.status, revision.publish_at = "published", soon
    revision.save()
    assert revisions.next_due_moment() == soon
    revision.publish_at = later
    revision.save()
    assert revisions.next_due_moment() == later


def test_an_entry_computed_before_an_edit_committed_is_never_believed(guide, editor):
    from django.core.cache import cache

    assert revisions.next_due_moment() is None
    stale_generation = cache.get(revisions.GENERATION)
    revision = revisions.start(guide, editor)
    revision.status, revision.publish_at = "published", timezone.now()
    revision.save()
    # A slow request that read the database before the save now stores what it saw, under the generation it read.
    cache.set(revisions.NEXT_DUE, (stale_generation, None), revisions.MAX_AGE)
    assert revisions.next_due_moment() is not None


def test_applying_keeps_every_revised_field_and_the_revisions_sources(guide, editor):
    from guides.models import GuideSource

    revision = revisions.start(guide, editor)
    changes = {"title_ru": "Новый заголовок", "summary_zh": "新摘要", "body_ru": "## Новое\n\nТекст.",
               "policy_year": 2026, "order": 7, "is_major_change": True, "change_note_ru": "Новые суммы"}
    for name, value in changes.items():
        setattr(revision, name, value)
    revision.status = "published"
    revision.save()
    GuideSource.objects.create(guide=revision, order=2, title="新来源")
    assert revisions.apply_due() == 1
    guide.refresh_from_db()
    assert {name: getattr(guide, name) for name in changes} == changes
    assert list(guide.sources.values_list("order", "title")) == [
        (1, "国务院办公厅关于健全基本医疗保险参保长效机制的指导意见"), (2, "新来源")]


def test_a_revision_already_applied_is_not_applied_again(guide, editor):
    revision = revisions.start(guide, editor)
    revision.status = "published"
    revision.save()
    stale_copy = Guide.objects.get(pk=revision.pk)
    assert revisions.apply(revision) is not None
    assert revisions.apply(stale_copy) is None
    assert guide.sources.count() == 1
    assert guide.history.filter(history_change_reason=revisions.APPLIED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_requests_at_the_moment_apply_a_revision_exactly_once(guide, editor):
    """Twelve requests, each on its own database connection, arrive together when the revision falls due."""
    import threading
    import time

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises whole transactions; concurrent connections are shown on PostgreSQL")
    revision = revisions.start(guide, editor)
    moment = timezone.now() + datetime.timedelta(seconds=1)
    revision.title_ru, revision.body_ru, revision.status, revision.publish_at = (
        "Одновременно", "Новый текст.", "published", moment)
    revision.save()
    source_titles = list(revision.sources.values_list("title", flat=True))
    Client().get("/robots.txt")  # every thread finds the moment remembered
    start, statuses, errors = threading.Barrier(12), [], []

    def reader():
        try:
            start.wait()
            time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))
            statuses.append(Client(raise_request_exception=True).get("/ru/guides/how-to-pay/").status_code)
        except Exception as error:  # reported below, with the thread's view of it
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and statuses == [200] * 12
    guide.refresh_from_db()
    assert (guide.title_ru, guide.body_ru) == ("Одновременно", "Новый текст.")
    assert list(guide.sources.values_list("title", flat=True)) == source_titles
    assert guide.history.filter(history_change_reason=revisions.APPLIED).count() == 1
    assert not Guide.objects.filter(revision_of=guide).exists()
