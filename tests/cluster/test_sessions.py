"""Logins belong to the cluster, not to one app server, and the admin works behind the HTTPS proxy."""

import pytest

pytestmark = pytest.mark.cluster


def cookie(response, name):
    return next((c for c in response.cookies if c.name == name), None)


def test_a_login_through_one_node_is_valid_on_the_other(visitor, node_a, node_b, make_user):
    editor = make_user("editors")
    on_a = visitor(node_a)
    assert on_a.log_in(editor.username, editor.raw_password).status_code == 302
    on_b = visitor(node_b)
    on_b.cookies.update(on_a.cookies)  # the same browser, its next request balanced to the other node

    admin_home = on_b.get("/ru/admin/")

    assert admin_home.status_code == 200
    assert editor.username in admin_home.text


def test_the_admin_through_nginx_logs_in_over_https_with_secure_cookies(visitor, make_user):
    reviewer = make_user("reviewers")
    browser = visitor()

    login = browser.log_in(reviewer.username, reviewer.raw_password)

    assert login.status_code == 302 and login.headers["Location"] == "/ru/admin/"
    session, csrf = cookie(login, "sessionid"), next(c for c in browser.cookies if c.name == "csrftoken")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    assert csrf.secure
    assert "max-age=" in login.headers.get("Strict-Transport-Security", "")
    assert reviewer.username in browser.get("/ru/admin/").text


def test_the_admin_through_nginx_refuses_a_post_from_another_site(visitor, make_user):
    reviewer = make_user("reviewers")
    browser = visitor()
    browser.origin = "https://attacker.example"

    refused = browser.log_in(reviewer.username, reviewer.raw_password)

    assert refused.status_code == 403
    assert not any(c.name == "sessionid" for c in browser.cookies)


def test_plain_http_to_an_app_server_is_sent_to_https(cluster, node_a):
    import requests

    response = requests.get(node_a.url + "/ru/", allow_redirects=False, timeout=10)

    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")
