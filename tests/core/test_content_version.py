"""The content version: one read per request, a bump seen at once, another process's change on the next request."""

from django.core.cache import cache

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
