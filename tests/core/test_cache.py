"""Losing Redis loses nothing: reads miss, writes are dropped, pages and the feedback form keep working, and the
feedback flood limit is counted per process (with a warning) until Redis is back. Tested against a real closed
port, and against the real Redis of this machine when it runs."""

import json
import logging
import socket

import pytest
from django.core.cache import cache
from django.test import override_settings

from guides import feedback
from core.cache import CacheUnavailable, ResilientRedisCache

REDIS_UP = "redis://127.0.0.1:6379/7"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(location):
    return {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": location,
                        "KEY_PREFIX": "portal-tests", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@pytest.fixture
def redis_down():
    feedback._local_counts.clear()
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        yield
    feedback._local_counts.clear()


@pytest.fixture
def redis_up():
    import redis

    try:
        redis.Redis.from_url(REDIS_UP, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with override_settings(CACHES=redis_cache(REDIS_UP)):
        yield
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter("portal-tests:*"):  # only the tests' own keys; never FLUSHDB a shared server
            client.delete(key)


def test_a_down_cache_reads_as_empty_and_drops_writes(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("anything", "default") == "default"
        assert cache.set("key", 1) is None and cache.add("key", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        with pytest.raises(CacheUnavailable):
            cache.incr("counter")
    assert not cache.available
    assert len([r for r in caplog.records if r.name == "core.cache"]) == 1  # once per retry window, not per call


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ru/", "/zh-hans/guides/how-to-pay/", "/ru/faq/", "/ru/search/?q=微信",
                                  "/robots.txt"])
def test_pages_are_served_with_redis_down(redis_down, client, guide, faq, path):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_feedback_works_with_redis_down_and_the_flood_limit_falls_back_to_this_process(redis_down, client, guide,
                                                                                      caplog):
    data = {"page": "/ru/guides/how-to-pay/", "useful": "yes", "form_token": feedback.form_token()}
    with caplog.at_level(logging.WARNING):
        statuses = [client.post("/ru/feedback/", data, REMOTE_ADDR="203.0.113.8").status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert any("counted per process" in record.getMessage() for record in caplog.records)
    assert client.post("/ru/feedback/", data, REMOTE_ADDR="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_health_check_reports_redis_down_but_stays_healthy(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "unavailable" in json.loads(response.content)["checks"]["cache"]


def test_the_real_redis_is_used_when_it_runs(redis_up):
    assert cache.available
    cache.set("probe", {"moment": 1}, 30)
    assert cache.get("probe") == {"moment": 1}
    cache.ping()


def test_one_redis_client_serves_every_call_of_a_process(redis_up, monkeypatch):
    import redis

    made = []
    real_init = redis.Redis.__init__
    monkeypatch.setattr(redis.Redis, "__init__", lambda self, *a, **k: made.append(1) or real_init(self, *a, **k))
    for number in range(5):
        cache.set(f"probe-{number}", number, 30)
        assert cache.get(f"probe-{number}") == number
    assert len(made) <= 1  # Django's own client made one for each of the ten calls


@pytest.mark.django_db
def test_the_flood_limit_is_shared_by_every_app_server_through_redis(redis_up, rf):
    """Two cache clients stand for two app servers: five posts through one, the sixth through the other."""
    from django.conf import settings

    other_server = ResilientRedisCache(REDIS_UP, settings.CACHES["default"])
    request = rf.post("/ru/feedback/", REMOTE_ADDR="203.0.113.77")
    assert [feedback.is_flood(request) for _ in range(5)] == [False] * 5
    key = next(iter(cache._cache.get_client().keys("portal-tests:*feedback-flood*"))).decode().split(":", 2)[2]
    assert other_server.incr(key) == 6
