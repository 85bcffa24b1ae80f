"""The sitemap is an index of bounded section sitemaps, each built once per content version, and stays true: a
publish shows on the next request."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import content_version
from portal import sitemaps

pytestmark = pytest.mark.django_db


def fetched(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return response


def listed(client, **headers):
    """Every address in every sitemap the index names, following the index as a crawler does."""
    index = fetched(client, "/sitemap.xml", **headers).content.decode()
    addresses = []
    for sitemap in re.findall(r"<loc>([^<]+)</loc>", index):
        addresses += re.findall(r"<loc>([^<]+)</loc>", fetched(client, sitemap.replace("&amp;", "&"), **headers)
                                .content.decode())
    return addresses


def test_the_index_names_one_sitemap_per_section(client, guide):
    index = fetched(client, "/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert re.findall(r"<loc>([^<]+)</loc>", index) == [
        f"http://testserver/sitemap-{section}.xml" for section in ("pages", "guides", "faq", "regions")]


def test_a_long_section_is_split_into_pages_named_in_the_index(client, make_guide, monkeypatch):
    monkeypatch.setattr(sitemaps.GuideSitemap, "limit", 4)  # two guides a page: one address per language
    for number in range(5):
        make_guide(slug=f"guide-{number}")
    index = fetched(client, "/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-guides.xml?p=3</loc>" in index
    assert "p=4" not in index
    pages = [fetched(client, f"/sitemap-guides.xml?p={page}").content.decode() for page in (1, 2, 3)]
    assert [page.count("<url>") for page in pages] == [4, 4, 2]
    assert sorted(address for address in listed(client) if "/ru/guides/guide-" in address) == [
        f"http://testserver/ru/guides/guide-{number}/" for number in range(5)]


@pytest.mark.parametrize("path", ["/sitemap-nothing.xml", "/sitemap-guides.xml?p=2", "/sitemap-guides.xml?p=0",
                                  "/sitemap-guides.xml?p=x", "/sitemap-guides.xml?p=%D9%A3"])
def test_an_unknown_section_or_page_is_not_found(client, guide, path):
    assert client.get(path).status_code == 404


def test_a_sitemap_asked_again_costs_no_query_and_is_the_same(client, guide):
    for path in ("/sitemap.xml", "/sitemap-guides.xml"):
        first = fetched(client, path)
        with CaptureQueriesContext(connection) as captured:
            again = fetched(client, path)
        assert len(captured) == 0
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
        assert again["X-Robots-Tag"] == first["X-Robots-Tag"]


def test_the_guides_sitemap_says_when_each_guide_last_changed(client, guide):
    assert "<lastmod>2026-11-01</lastmod>" in fetched(client, "/sitemap-guides.xml").content.decode()
    assert "<lastmod>2026-11-01" in fetched(client, "/sitemap.xml").content.decode()


def test_a_publish_shows_on_the_next_request(client, guide, make_guide):
    assert "http://testserver/ru/guides/new-guide/" not in listed(client)
    make_guide(slug="new-guide")
    assert "http://testserver/ru/guides/new-guide/" in listed(client)


def test_a_kept_sitemap_expires_when_a_scheduled_guide_becomes_visible(client, guide, make_guide, monkeypatch):
    from django.core.cache import cache

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    make_guide(slug="later", publish_at=now + datetime.timedelta(minutes=5))
    kept = {}
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: kept.update({key: timeout}) or
                        real_set(key, value, timeout))
    assert "http://testserver/ru/guides/later/" not in listed(client)
    assert {timeout for key, timeout in kept.items() if key.startswith("kept:sitemap:")} == {300}
    cache.clear()  # what Redis does with the entries at that moment
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert "http://testserver/ru/guides/later/" in listed(client)


def test_a_guide_dated_tomorrow_makes_the_sitemap_expire_at_midnight_in_china(guide, make_guide):
    from core.dates import CHINA
    from guides.models import next_visible_moment

    now = datetime.datetime(2026, 12, 2, 22, 0, tzinfo=CHINA)
    make_guide(slug="tomorrow", published_on=datetime.date(2026, 12, 3))
    assert next_visible_moment(now) == datetime.datetime(2026, 12, 3, tzinfo=CHINA)


def test_each_host_gets_its_own_addresses(client, guide):
    listed(client)
    other = listed(client, HTTP_HOST="localhost")
    assert "http://localhost/ru/" in other and not any("testserver" in address for address in other)


def test_without_the_shared_cache_the_sitemap_is_built_every_time(client, guide, make_guide, monkeypatch):
    monkeypatch.setattr(content_version, "current", lambda: None)
    listed(client)
    make_guide(slug="new-guide")
    assert "http://testserver/ru/guides/new-guide/" in listed(client)
