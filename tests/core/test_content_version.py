"""The content version: one read per request, a bump seen at once, another process's change on the next request."""

import datetime

from django.core.cache import cache
from django.utils import timezone

from core import content_version


def test_outside_a_request_each_read_sees_another_process_change():
    first = content_version.current()
    cache.set(content_version.KEY, "elsewhere")
    assert content_version.current() == "elsewhere" != first


def test_a_request_reads_the_version_once():
    with content_version.read_once():
        first = content_version.current()
        cache.set(content_version.KEY, "elsewhere")  # another app server publishes meanwhile
        assert content_version.current() == first
    assert content_version.current() == "elsewhere"  # the next request sees it


def test_a_bump_made_in_the_request_is_seen_in_it_at_once():
    with content_version.read_once():
        before = content_version.current()
        content_version.bump()
        after = content_version.current()
        assert after != before and after == cache.get(content_version.KEY)


def test_the_version_and_kept_entries_come_in_one_read_and_are_remembered():
    content_version.current()
    cache.set("kept", "page")
    with content_version.read_once():
        version, found = content_version.current_with("kept")
        cache.set(content_version.KEY, "elsewhere")
        assert found == {"kept": "page"} and content_version.current() == version


def test_a_kept_value_is_built_once_per_version():
    built = []
    build = lambda: built.append(1) or len(built)  # noqa: E731
    assert content_version.kept("answer", build, 60) == content_version.kept("answer", build, 60) == 1
    content_version.bump()  # any change to content
    assert content_version.kept("answer", build, 60) == 2


def test_a_kept_value_is_built_again_once_its_moment_passes(monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    moment = now + datetime.timedelta(minutes=5)
    lifetimes = {}
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: lifetimes.update({key: timeout}) or
                        real_set(key, value, timeout))
    assert content_version.kept("answer", lambda: "before", 3600, until=lambda at: moment) == "before"
    assert list(lifetimes.values()) == [300]  # the entry also ends at the moment, not after an hour
    assert content_version.kept("answer", lambda: "after", 3600, until=lambda at: moment) == "before"
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert content_version.kept("answer", lambda: "after", 3600, until=lambda at: None) == "after"


def test_without_the_shared_cache_nothing_is_kept(monkeypatch):
    monkeypatch.setattr(content_version, "current", lambda: None)
    built = []
    for _ in range(2):
        content_version.kept("answer", lambda: built.append(1), 60)
    assert len(built) == 2


class Built:
    """A value as the rule book and the search index are: it may say until when it holds."""

    def __init__(self, number, valid_until=None):
        self.number, self.valid_until = number, valid_until


def counting(valid_until=None):
    built = []

    def build():
        built.append(1)
        return Built(len(built), valid_until)

    return build


def test_a_value_kept_in_process_is_built_once_per_version():
    memory, build = content_version.InProcess(), counting()
    assert memory.get(build).number == memory.get(build).number == 1
    content_version.bump()  # another process's publish is seen the same way: a new version in the cache
    assert memory.get(build).number == 2


def test_a_new_version_drops_every_key_kept_under_the_old_one():
    memory, now, preview = content_version.InProcess(), counting(), counting()
    memory.get(now, key="now")
    memory.get(preview, key="preview")
    content_version.bump()
    memory.get(now, key="now")
    assert memory._kept[1].keys() == {"now"}


def test_a_value_kept_in_process_is_built_again_once_its_moment_passes():
    moment = timezone.now() + datetime.timedelta(minutes=5)
    memory, build = content_version.InProcess(), counting(valid_until=moment)
    assert memory.get(build).number == 1
    assert memory.get(build, at=moment - datetime.timedelta(seconds=1)).number == 1
    assert memory.get(build, at=moment).number == 2


def test_past_its_size_the_memory_starts_again():
    memory = content_version.InProcess(max_values=2)
    for key in ("a", "b", "c"):
        memory.get(counting(), key=key)
    assert memory._kept[1].keys() == {"c"}


def test_without_the_shared_cache_nothing_is_kept_in_process(monkeypatch):
    monkeypatch.setattr(content_version, "current", lambda: None)
    memory, build = content_version.InProcess(), counting()
    assert [memory.get(build).number for _ in range(2)] == [1, 2]
