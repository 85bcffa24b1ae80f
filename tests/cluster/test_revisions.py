"""A revision scheduled for a moment is applied once, and whole, however many requests on however many app
servers arrive at that moment."""

import datetime
import secrets
import threading
import time

import pytest
import requests
from django.utils import timezone, translation

pytestmark = pytest.mark.cluster

CONCURRENT = 50


def test_a_revision_due_under_50_concurrent_requests_over_both_nodes_is_applied_once_and_whole(
        cluster, live_guide, make_user):
    from guides import revisions
    from guides.models import Guide, GuideSource

    editor = make_user("editors")
    revision = revisions.start(live_guide, editor)
    marker = secrets.token_hex(6)
    revision.title_ru = f"Новое название {marker}"
    revision.body_ru = revision.body_ru + f"\n\nНовый абзац {marker}"
    revision.body_zh = revision.body_zh + f"\n\n新段落 {marker}"
    revision.summary_zh = f"新摘要 {marker}"
    revision.save()
    GuideSource.objects.create(guide=revision, order=99, title=f"新来源 {marker}", issuer_zh="测试局",
                               issuer_ru="Тестовое бюро")
    expected_sources = sorted(revision.sources.values_list("title", flat=True))
    moment = timezone.now() + datetime.timedelta(seconds=3)
    revision.status, revision.publish_at = "published", moment
    revision.save()
    history_before = live_guide.history.count()
    with translation.override("ru"):
        path = live_guide.get_absolute_url()

    responses = at_the_same_moment(moment, [
        cluster.app_servers[i % 2].url + path for i in range(CONCURRENT)
    ])

    assert [r.status_code for r in responses] == [200] * CONCURRENT
    assert all(f"Новый абзац {marker}" in r.text for r in responses)
    live = Guide.objects.get(pk=live_guide.pk)
    assert (live.title_ru, live.summary_zh) == (f"Новое название {marker}", f"新摘要 {marker}")
    assert live.body_ru.endswith(f"Новый абзац {marker}") and live.body_zh.endswith(f"新段落 {marker}")
    assert sorted(live.sources.values_list("title", flat=True)) == expected_sources
    assert not Guide.objects.filter(revision_of=live_guide).exists()
    assert live.history.count() == history_before + 1  # applied exactly once


def at_the_same_moment(moment, urls):
    """GET every URL at ``moment``, each from a thread and a connection of its own; the responses in order."""
    ready = threading.Barrier(len(urls))
    responses = [None] * len(urls)

    def get(index, url):
        ready.wait()
        time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
        responses[index] = requests.get(url, headers={"X-Forwarded-Proto": "https"}, timeout=30)

    threads = [threading.Thread(target=get, args=(i, url)) for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses
