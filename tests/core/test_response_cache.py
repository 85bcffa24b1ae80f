"""Whole pages kept for anonymous readers: a page asked before costs no query, and whatever changes the content
(a publish, a revert, an import, a scheduled moment) shows on the very next request. Staff and previews are
never served from the cache nor fill it; the page, its htmx partial, its JSON and its calendar file never
stand in for each other."""

import datetime
import gzip
import json
import time

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from import_export.formats.base_formats import CSV

from core import content_version, response_cache

pytestmark = pytest.mark.django_db

GUIDE = "/ru/guides/how-to-pay/"
LISHUI = "/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000" \
         "&date=2025-06-01"
DEADLINE = "region=hubei&status=new"


@pytest.fixture
def rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


@pytest.fixture
def staff_client(db):
    user = get_user_model().objects.create_user("editor", password="pw", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(user)
    return staff


def kept(response):
    return response.get("Cache-Control", "").startswith("public")


def fund_pays(client, url=LISHUI):
    return json.loads(client.get(url, HTTP_ACCEPT="application/json").content)["fund_pays"]


# --- Asked before: no work at all ------------------------------------------------------------------------


def test_a_guide_asked_before_runs_no_query(client, guide, django_assert_num_queries):
    first = client.get(GUIDE)
    with django_assert_num_queries(0):
        again = client.get(GUIDE)
    assert again.status_code == 200 and again.content == first.content and kept(again)


def test_a_calculator_answer_asked_before_is_not_computed_again(client, rules, monkeypatch,
                                                                 django_assert_num_queries):
    from calculators import answers

    asked = []
    ask = answers.ask
    monkeypatch.setattr(answers, "ask", lambda *args: asked.append(args) or ask(*args))
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}, {"HTTP_ACCEPT": "application/json"}):
        first = client.get(LISHUI, **headers)
        with django_assert_num_queries(0):
            again = client.get(LISHUI, **headers)
        assert again.status_code == 200 and again.content == first.content and kept(again)
    assert len(asked) == 3


def test_a_kept_page_keeps_its_security_headers(client, guide):
    first = client.get(GUIDE)
    again = client.get(GUIDE)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Content-Language"):
        assert again[name] == first[name]


def test_the_order_of_the_parameters_does_not_make_another_page(client, rules, django_assert_num_queries):
    client.get(LISHUI)
    path, query = LISHUI.split("?")
    with django_assert_num_queries(0):
        client.get(path + "?" + "&".join(reversed(query.split("&"))))


def test_a_kept_guide_page_still_counts_as_a_read(client, guide):
    from guides import reads

    for _ in range(3):
        client.get(GUIDE)
    assert reads.counts([guide.slug]) == {guide.slug: 3}


# --- Whatever changes the content shows on the next request ----------------------------------------------


def test_a_publish_shows_on_the_next_request(client, guide):
    assert "Как платить взнос" in client.get(GUIDE).content.decode()
    guide.title_ru = "Как и где платить"
    guide.save()
    assert "Как и где платить" in client.get(GUIDE).content.decode()


def test_a_published_revision_shows_on_the_next_request(client, guide):
    from guides import revisions

    client.get(GUIDE)
    revision = revisions.start(guide, None)
    revision.title_ru, revision.status = "Новая редакция", "published"
    revision.save()
    assert "Новая редакция" in client.get(GUIDE).content.decode()


def test_a_revert_shows_on_the_next_request(client, guide):
    guide.title_ru = "Временный заголовок"
    guide.save()
    assert "Временный заголовок" in client.get(GUIDE).content.decode()
    guide.history.order_by("history_date", "history_id").first().instance.save()  # what the admin's revert does
    assert "Как платить взнос" in client.get(GUIDE).content.decode()


def test_an_import_shows_on_the_next_request(client, rules):
    from calculators.resources import ReimbursementRuleResource

    assert fund_pays(client) == "34300.00"
    exported = ReimbursementRuleResource().export()
    rows = [dict(zip(exported.headers, row)) for row in exported]
    for row in rows:
        if (row["region"], row["coverage_year"], row["visit"], row["level"], row["scheme"], row["tier"]) == (
                "zhejiang-lishui", "2025", "inpatient", "level3", "resident", ""):
            row["bands"] = "0-:80"
    changed = tablib.Dataset(headers=exported.headers)
    for row in rows:
        changed.append([row[header] for header in exported.headers])
    result = ReimbursementRuleResource().import_data(CSV().create_dataset(CSV().export_data(changed)))
    assert not result.has_errors() and not result.has_validation_errors()
    assert fund_pays(client) != "34300.00"


def test_a_scheduled_revision_shows_on_the_first_request_after_its_moment(client, guide):
    from guides import revisions

    client.get(GUIDE)
    revision = revisions.start(guide, None)
    moment = timezone.now() + datetime.timedelta(seconds=1)
    revision.title_ru, revision.status, revision.publish_at = "Ровно в срок", "published", moment
    revision.save()
    assert "Ровно в срок" not in client.get(GUIDE).content.decode()  # kept again, until the moment
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
    assert "Ровно в срок" in client.get(GUIDE).content.decode()


@override_settings(PORTAL_RESPONSE_CACHE_SECONDS=24 * 3600)
def test_an_entry_ends_at_the_next_scheduled_moment_of_any_content(client, rules, make_guide):
    from calculators.models import PaymentWindow

    moment = timezone.now() + datetime.timedelta(minutes=10)
    window = PaymentWindow.objects.filter(status="published").first()
    window.pk, window.coverage_year, window.publish_at = None, 2030, moment
    window.save()
    make_guide("later", publish_at=timezone.now() + datetime.timedelta(minutes=20))
    client.get("/ru/guides/")
    entry = cache.get(response_cache.key_for(client.get("/ru/guides/").wsgi_request))
    assert entry[1] == min(moment, response_cache.next_midnight_in_china(timezone.now())).timestamp()


def test_an_entry_ends_at_midnight_in_china():
    at = datetime.datetime(2026, 3, 1, 15, 59, tzinfo=datetime.UTC)  # 23:59 in China
    assert response_cache.next_midnight_in_china(at) == datetime.datetime(2026, 3, 1, 16, 0, tzinfo=datetime.UTC)


def test_a_bump_that_could_not_reach_the_cache_is_made_before_anything_kept_is_used(client, guide, monkeypatch):
    client.get(GUIDE)
    guide.title_ru = "Изменено при отказе кэша"
    with monkeypatch.context() as outage:  # as core.cache.ResilientRedisCache behaves without Redis
        outage.setattr(cache, "set", lambda *args, **kwargs: None)
        outage.setattr(cache, "available", False, raising=False)
        guide.save()  # its bumps are lost
        assert content_version._pending
        assert content_version.current() is None  # meanwhile this process keeps nothing
    assert "Изменено при отказе кэша" in client.get(GUIDE).content.decode()  # the cache is back
    assert not content_version._pending


# --- Who is never served from the cache ------------------------------------------------------------------


def test_staff_never_get_a_kept_page_nor_fill_the_cache(client, staff_client, guide):
    assert not kept(staff_client.get(GUIDE))
    with _at_least_one_query():
        client.get(GUIDE)  # what staff saw was not kept for readers
    type(guide).objects.filter(pk=guide.pk).update(title_ru="Без сигнала")  # the kept page is now out of date
    assert "Без сигнала" in staff_client.get(GUIDE).content.decode()  # staff get it rendered, not the kept one


class _at_least_one_query:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.captured = CaptureQueriesContext(connection)
        self.captured.__enter__()

    def __exit__(self, *exc):
        self.captured.__exit__(*exc)
        assert len(self.captured) > 0, "served from the cache"


def test_any_session_cookie_skips_the_cache(client, guide):
    client.get(GUIDE)
    client.cookies["sessionid"] = "not-even-a-valid-session"
    with _at_least_one_query():
        assert not kept(client.get(GUIDE))


def test_previews_are_never_kept(client, staff_client, rules):
    preview = LISHUI + "&as_of=2030-01-01"
    for asking in (client, staff_client):
        for _ in range(2):
            response = asking.get(preview)
            assert response.status_code == 200 and not kept(response) and "ETag" not in response
    assert "no-store" in staff_client.get(preview)["Cache-Control"]


def test_posts_and_pages_not_found_are_never_kept(client, guide):
    assert not kept(client.get("/ru/guides/no-such-guide/"))
    response = client.post("/ru/feedback/", {"page": GUIDE, "useful": "yes"})
    assert response.status_code in (302, 403) and not kept(response)


def test_pages_that_are_not_public_are_never_kept(client, db):
    assert not kept(client.get("/ru/admin/login/"))
    assert not kept(client.get("/healthz"))


def test_every_public_url_name_exists():
    def names(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from names(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    from django.conf import settings

    assert settings.PORTAL_RESPONSE_CACHE_VIEWS <= set(names(get_resolver().url_patterns))


# --- Representations never stand in for each other --------------------------------------------------------


def test_page_partial_json_and_calendar_of_one_link_never_leak_into_each_other(client, rules, monkeypatch):
    from core.dates import CHINA

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, 10, tzinfo=CHINA))
    ics = "/ru/calculators/deadline/reminder.ics?" + DEADLINE
    page = "/ru/calculators/deadline/?" + DEADLINE
    for _round in range(2):  # the second round is served from the cache
        assert client.get(page)["Content-Type"].startswith("text/html")
        assert "<html" in client.get(page).content.decode()
        partial = client.get(page, HTTP_HX_REQUEST="true")
        assert "<html" not in partial.content.decode() and partial["HX-Push-Url"]
        data = client.get(page, HTTP_ACCEPT="application/json")
        assert data["Content-Type"] == "application/json" and json.loads(data.content)
        calendar = client.get(ics)
        assert calendar["Content-Type"].startswith("text/calendar") and kept(calendar)
        assert client.get(page, HTTP_ACCEPT="text/html,application/json").content.startswith(b"<!doctype")


def test_the_form_shape_the_script_sends_is_part_of_the_key(client, rules):
    from calculators import answers

    form, _answer = answers.ask("reimbursement", dict(part.split("=") for part in LISHUI.split("?")[1].split("&")))
    shown = form.shape_signature()
    for _round in range(2):
        same_form = client.get(LISHUI, HTTP_HX_REQUEST="true", HTTP_X_CALCULATOR_FORM=shown).content
        other_form = client.get(LISHUI, HTTP_HX_REQUEST="true", HTTP_X_CALCULATOR_FORM="another").content
        assert same_form != other_form and b"hx-swap-oob" in other_form


def test_each_language_has_its_own_page(client, guide):
    assert "Как платить взнос" in client.get(GUIDE).content.decode()
    assert "怎么缴费" in client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "ru"
    assert client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="zh-hans")["Content-Language"] == "zh-hans"


# --- HTTP caching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GUIDE, LISHUI])
def test_anonymous_pages_set_no_cookie_and_do_not_vary_by_cookie(client, guide, rules, path):
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200 and not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"


def test_a_reader_holding_the_page_gets_a_304(client, guide):
    etag = client.get(GUIDE)["ETag"]
    response = client.get(GUIDE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag and not response.content
    assert client.get(GUIDE, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_pages_are_sent_compressed_to_readers_who_take_gzip(client, guide):
    plain = client.get(GUIDE).content
    for _ in range(2):
        response = client.get(GUIDE, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content) < len(plain) / 2
        assert "Как платить взнос" in gzip.decompress(response.content).decode()


def test_the_cache_can_be_turned_off(client, guide):
    with override_settings(PORTAL_RESPONSE_CACHE_SECONDS=0):
        client.get(GUIDE)
        with _at_least_one_query():
            assert not kept(client.get(GUIDE))


def test_without_redis_pages_are_served_uncached(client, guide):
    from tests.core.test_cache import closed_port, redis_cache

    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        for _ in range(2):
            response = client.get(GUIDE)
            assert response.status_code == 200 and not kept(response)
        assert client.get(LISHUI.replace("cost=50000", "cost=1")).status_code == 200


def test_a_process_believes_no_page_kept_before_it_started(client, guide, monkeypatch):
    client.get(GUIDE)
    type(guide).objects.filter(pk=guide.pk).update(title_ru="Изменено, пока кэш был недоступен")  # a lost bump
    monkeypatch.setattr(response_cache, "STARTED", time.time() + 1)  # the app server restarted since
    assert "Изменено, пока кэш был недоступен" in client.get(GUIDE).content.decode()
