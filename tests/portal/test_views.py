"""Error pages that never break, the health check, and the admin login throttle."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

BROKEN_BODIES = [
    ("a=1&" * 1200, "application/x-www-form-urlencoded"),  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    ("x=" + "y" * 3_000_000, "application/x-www-form-urlencoded"),  # over DATA_UPLOAD_MAX_MEMORY_SIZE
    ('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', "multipart/form-data; boundary=b"),
    ("x", "multipart/form-data; boundary="),
    ("x", "multipart/form-data"),
]


@pytest.mark.parametrize("body,content_type", BROKEN_BODIES)
@pytest.mark.parametrize("path", ["/ru/no-such-page/", "/no-such-page", "/zh-hans/guides/nope/", "/ru/feedback/",
                                  "/ru/admin/login/"])
def test_an_unparseable_post_anywhere_is_never_a_server_error(path, body, content_type):
    client = Client(raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code < 500


def test_the_404_page_speaks_the_language_of_its_address(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    with translation.override("ru"):
        assert gettext("We could not find that page") in response.content.decode()


def test_a_bad_request_gets_a_page_in_the_visitors_language():
    response = Client(raise_request_exception=False).get("/ru/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    with translation.override("ru"):
        assert gettext("We could not read this request. Please go back and try again.") in response.content.decode()


def test_health_check_is_200_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "cache": "ok (local memory)"}}
    assert "no-cache" in response["Cache-Control"]


def test_admin_login_is_refused_for_a_while_from_the_fifth_failure_in_the_editors_language(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("editor", password="the-right-password", is_staff=True)
    statuses = [client.post("/ru/admin/login/", {"username": "editor", "password": "wrong"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = client.post("/ru/admin/login/", {"username": "editor", "password": "the-right-password"})
    assert response.status_code == 429
    with translation.override("ru"):
        assert gettext("Too many failed logins") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_throttle_counts_a_user_name_across_addresses_and_an_address_across_names(client):
    for number in range(5):
        client.post("/zh-hans/admin/login/", {"username": f"guess{number}", "password": "x"},
                    REMOTE_ADDR="198.51.100.9")
    locked = client.post("/zh-hans/admin/login/", {"username": "someone-else", "password": "x"},
                         REMOTE_ADDR="198.51.100.9")
    assert locked.status_code == 429
    other_address = client.post("/zh-hans/admin/login/", {"username": "someone-else", "password": "x"},
                                REMOTE_ADDR="198.51.100.10")
    assert other_address.status_code == 200


def test_the_home_page_lists_each_topics_first_five_guides_and_links_the_rest(client, make_guide):
    for number in range(7):
        make_guide(f"guide-{number}", order=number, title_ru=f"Инструкция {number}")
    html = client.get("/ru/").content.decode()
    assert [f"Инструкция {n}" in html for n in range(7)] == [True] * 5 + [False] * 2
    assert 'href="/ru/guides/?topic=pay">Все инструкции по этой теме (7)</a>' in html


def test_the_home_page_has_no_more_link_when_every_guide_is_listed(client, make_guide):
    make_guide()
    assert "Все инструкции по этой теме" not in client.get("/ru/").content.decode()


def test_a_guide_published_shows_on_the_home_page_at_the_next_request(client, make_guide):
    make_guide()
    client.get("/ru/")  # the list is kept now
    make_guide("new-guide", title_ru="Новая инструкция")
    assert "Новая инструкция" in client.get("/ru/").content.decode()


def test_a_guide_scheduled_for_later_shows_on_the_home_page_at_its_moment(client, make_guide, monkeypatch):
    from django.utils import timezone

    now = timezone.now()
    make_guide()
    make_guide("later", title_ru="Запланированная инструкция", publish_at=now + datetime.timedelta(minutes=5))
    assert "Запланированная инструкция" not in client.get("/ru/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert "Запланированная инструкция" in client.get("/ru/").content.decode()
