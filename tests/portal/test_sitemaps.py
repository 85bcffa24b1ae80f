"""The sitemap is built once per content version and stays true: a publish shows on the next request."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import content_version

pytestmark = pytest.mark.django_db


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return response


def test_a_sitemap_asked_again_costs_no_query_and_is_the_same(client, guide):
    first = sitemap(client)
    with CaptureQueriesContext(connection) as captured:
        again = sitemap(client)
    assert len(captured) == 0
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]


def test_a_publish_shows_on_the_next_request(client, guide, make_guide):
    assert "/ru/guides/new-guide/" not in sitemap(client).content.decode()
    make_guide(slug="new-guide")
    assert "/ru/guides/new-guide/" in sitemap(client).content.decode()


def test_a_kept_sitemap_expires_when_a_scheduled_guide_becomes_visible(client, guide, make_guide, monkeypatch):
    from django.core.cache import cache

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    make_guide(slug="later", publish_at=now + datetime.timedelta(minutes=5))
    kept = {}
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: kept.update({key: timeout}) or
                        real_set(key, value, timeout))
    assert "/ru/guides/later/" not in sitemap(client).content.decode()
    assert [timeout for key, timeout in kept.items() if key.startswith("kept:sitemap:")] == [300]
    cache.clear()  # what Redis does with the entry at that moment
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert "/ru/guides/later/" in sitemap(client).content.decode()


def test_a_guide_dated_tomorrow_makes_the_sitemap_expire_at_midnight_in_china(guide, make_guide):
    from core.dates import CHINA
    from guides.models import next_visible_moment

    now = datetime.datetime(2026, 12, 2, 22, 0, tzinfo=CHINA)
    make_guide(slug="tomorrow", published_on=datetime.date(2026, 12, 3))
    assert next_visible_moment(now) == datetime.datetime(2026, 12, 3, tzinfo=CHINA)


def test_each_host_gets_its_own_addresses(client, guide):
    sitemap(client)
    other = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    assert "<loc>http://localhost/ru/" in other and "testserver" not in other


def test_without_the_shared_cache_the_sitemap_is_built_every_time(client, guide, make_guide, monkeypatch):
    monkeypatch.setattr(content_version, "current", lambda: None)
    sitemap(client)
    make_guide(slug="new-guide")
    assert "/ru/guides/new-guide/" in sitemap(client).content.decode()
