"""Database down: every page that needs it answers 503 with Retry-After in the visitor's language, JSON clients
get JSON, and robots.txt, static files and the health check still answer. Tested for real: the site runs in a
subprocess whose database is a closed port on this machine."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from guides import feedback

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = "The site is briefly unavailable for maintenance or a fault. Please try again in a minute."
PAGES = [
    "/zh-hans/", "/ru/", "/ru/guides/", "/zh-hans/guides/how-to-pay/", "/ru/faq/", "/ru/search/?q=взнос",
    "/zh-hans/calculators/reimbursement/?region=beijing&cost=1000", "/ru/calculators/deadline/?region=hubei&year=2025",
    "/ru/regions/", "/zh-hans/regions/beijing/", "/sitemap.xml", "/sitemap-guides.xml",
]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def ask(requests, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.test_settings", "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "core" / "outage_probe.py"), json.dumps(requests)],
                            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def database_down():
    url = f"postgres://postgres@127.0.0.1:{closed_port()}/portal_unreachable"
    requests = [[path, "get", path, {}, None] for path in PAGES]
    requests += [
        ["ru by accept-language", "get", "/sitemap.xml", {"Accept-Language": "ru"}, None],
        ["json", "get", "/ru/calculators/reimbursement/?region=beijing&cost=1000", {"Accept": "application/json"}, None],
        ["feedback", "post", "/ru/feedback/", {}, {"page": "/ru/faq/", "useful": "yes",
                                                  "form_token": feedback.form_token()}],
        ["robots", "get", "/robots.txt", {}, None],
        ["static", "get", "/static/css/site.css", {}, None],
        ["healthz", "get", "/healthz", {}, None],
    ]
    return ask(requests, DATABASE_URL=url)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_that_needs_the_database_answers_503_with_retry_after(database_down, path):
    answer = database_down[path]
    assert answer["status"] == 503 and answer["retry_after"] == "30"
    language = "ru" if path.startswith("/ru/") else "zh-hans"
    with translation.override(language):
        assert gettext(MESSAGE) in answer["body"]
    assert answer["content_language"] == language


def test_the_503_page_speaks_russian_to_a_russian_browser_without_a_prefix(database_down):
    answer = database_down["ru by accept-language"]
    with translation.override("ru"):
        assert answer["status"] == 503 and gettext(MESSAGE) in answer["body"]
    assert '<html lang="ru">' in answer["body"]


def test_json_clients_get_a_json_503(database_down):
    answer = database_down["json"]
    assert answer["status"] == 503 and answer["content_type"] == "application/json"
    data = json.loads(answer["body"])
    assert data["error"] == "unavailable" and data["retry_after"] == 30
    with translation.override("ru"):
        assert data["message"] == gettext(MESSAGE)


def test_a_feedback_post_gets_the_503_page_too(database_down):
    assert database_down["feedback"]["status"] == 503


def test_robots_and_static_files_are_served_without_the_database(database_down):
    assert database_down["robots"]["status"] == 200 and "Sitemap:" in database_down["robots"]["body"]
    assert database_down["static"]["status"] == 200 and database_down["static"]["connection_attempts"] == 0


def test_the_health_check_says_the_database_failed(database_down):
    answer = database_down["healthz"]
    assert answer["status"] == 503 and answer["retry_after"] == "30"
    data = json.loads(answer["body"])
    assert data["status"] == "unavailable" and data["checks"]["database"].startswith("unavailable")
    assert data["checks"]["cache"].startswith("ok")


def test_the_error_page_is_reached_without_a_second_database_attempt(database_down):
    # One attempt by the page itself; the error page and everything after it (session, user) needs none.
    for path in PAGES:
        assert database_down[path]["connection_attempts"] <= 2, path
