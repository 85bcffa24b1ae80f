"""Request hygiene and security headers, applied to every response."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["q=%00abc", "q=a%00%01%1Fb%7F", "%00=1&q=x", "q=" + "%00" * 50])
def test_control_characters_in_a_search_are_dropped_not_a_server_error(client, guide, query):
    response = client.get(f"/ru/search/?{query}")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_a_nul_in_a_calculator_parameter_is_not_a_server_error(client):
    response = client.get("/ru/calculators/reimbursement/?region=beij%00ing&cost=1%000", HTTP_ACCEPT="application/json")
    assert response.status_code == 400


def test_tabs_and_line_breaks_are_kept(rf):
    from core.middleware import StripControlCharactersMiddleware

    seen = {}
    middleware = StripControlCharactersMiddleware(lambda request: seen.setdefault("q", request.GET.getlist("q")))
    middleware(rf.get("/", {"q": ["a\tb\nc\r", "x\x00y\x1b"]}))
    assert seen["q"] == ["a\tb\nc\r", "xy"]


@pytest.mark.parametrize("path", ["/ru/", "/static/css/site.css", "/robots.txt"])
def test_every_response_says_what_the_browser_may_do(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/ru/", "/zh-hans/guides/how-to-pay/", "/ru/admin/login/"])
def test_the_content_security_policy_is_strict_on_the_public_site_and_the_admin(client, guide, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_inline_code_styles_or_handlers():
    import re
    from pathlib import Path

    from django.conf import settings

    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"))
        assert not re.search(r"\shx-on", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<style|\sstyle=", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template  # inline event handlers
