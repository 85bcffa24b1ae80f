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
