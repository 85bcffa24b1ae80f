"""Limits that protect the site count every request of the cluster, and count it for the real client.

The feedback flood limit (guides.feedback: 5 posts a minute) and the admin login throttle count in
shared storage, so posts split over both app servers add up. Behind nginx the client is the address
nginx puts in X-Real-IP (and nothing else): visitors through nginx are told apart, a forged header is
not believed.
"""

import itertools

import pytest

pytestmark = pytest.mark.cluster

FLOOD_LIMIT = 5


def russian_path(guide):
    from django.utils import translation

    with translation.override("ru"):
        return guide.get_absolute_url()


def send_feedback(client, guide):
    return client.post_form(russian_path(guide), "feedback-form", {"useful": "yes"})


def test_six_feedback_posts_split_over_both_nodes_the_sixth_is_refused(visitor, node_a, node_b, live_guide):
    clients = itertools.cycle([visitor(node_a, source="127.0.0.11"), visitor(node_b, source="127.0.0.11")])

    statuses = [send_feedback(next(clients), live_guide).status_code for _ in range(FLOOD_LIMIT + 1)]

    assert all(status in (200, 302) for status in statuses[:FLOOD_LIMIT]), statuses
    assert statuses[FLOOD_LIMIT] == 429


def test_through_nginx_each_reader_has_a_flood_limit_of_their_own(visitor, live_guide):
    flooder = visitor(source="127.0.0.12")
    statuses = [send_feedback(flooder, live_guide).status_code for _ in range(FLOOD_LIMIT + 1)]
    assert statuses[FLOOD_LIMIT] == 429, statuses

    neighbour = visitor(source="127.0.0.13")

    assert send_feedback(neighbour, live_guide).status_code in (200, 302)


def test_a_forged_address_header_does_not_make_another_reader(visitor, node_b, live_guide):
    flooder = visitor(source="127.0.0.14")
    for _ in range(FLOOD_LIMIT):
        assert send_feedback(flooder, live_guide).status_code in (200, 302)

    # Through nginx: it overwrites X-Real-IP with the connection's address.
    flooder.headers.update({"X-Real-IP": "203.0.113.7", "X-Forwarded-For": "203.0.113.7"})
    assert send_feedback(flooder, live_guide).status_code == 429
    # Straight to an app server, a forged X-Forwarded-For is not read either: the same reader again.
    direct = visitor(node_b, source="127.0.0.14")
    direct.headers["X-Forwarded-For"] = "203.0.113.8"
    assert send_feedback(direct, live_guide).status_code == 429


def failed_logins(clients, username, count):
    return [next(clients).log_in(username, "not-the-password").status_code for _ in range(count)]


def test_login_failures_split_over_both_nodes_lock_the_account(visitor, node_a, node_b, make_user):
    editor = make_user("editors")
    clients = itertools.cycle([visitor(node_a, source="127.0.0.15"), visitor(node_b, source="127.0.0.15")])
    failed_logins(clients, editor.username, 5)

    sixth = next(clients)
    refused = sixth.log_in(editor.username, editor.raw_password)  # the right password, too late

    assert refused.status_code in (403, 429)
    admin = sixth.get("/ru/admin/", allow_redirects=False)  # requests' get() follows redirects unless told
    assert admin.status_code == 302 and "/admin/login/" in admin.headers["Location"]  # not logged in


def test_login_failures_through_nginx_lock_out_that_address_not_every_editor(visitor, make_user):
    attacked, colleague = make_user("editors"), make_user("editors")
    attacker = visitor(source="127.0.0.16")
    failed_logins(itertools.repeat(attacker), attacked.username, 5)
    assert attacker.log_in(colleague.username, colleague.raw_password).status_code in (403, 429)

    elsewhere = visitor(source="127.0.0.17")

    assert elsewhere.log_in(colleague.username, colleague.raw_password).status_code == 302
