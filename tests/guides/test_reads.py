"""Read counters and the most-read ranking of the empty search page."""

import pytest
from django.core.cache import cache

from guides import reads
from guides.models import Guide

pytestmark = pytest.mark.django_db


def ranked(n=5):
    return [slug for slug, _ in reads.ranking(n)]


def test_the_ranking_follows_the_reads(make_guide):
    make_guide("first", order=1)
    make_guide("second", order=2)
    reads.record_read("second")
    assert [guide.slug for guide in reads.most_read(5)] == ["second", "first"]


def test_the_ranking_is_kept_for_a_while_so_reads_do_not_rerank_every_request(make_guide):
    make_guide("first", order=1)
    make_guide("second", order=2)
    assert ranked() == ["first", "second"]
    reads.record_read("second")
    assert ranked() == ["first", "second"]


def test_a_publish_shows_in_the_next_ranking(make_guide):
    make_guide("first", order=1)
    assert ranked() == ["first"]
    make_guide("second", order=2)
    assert ranked() == ["first", "second"]


def test_a_withdrawn_guide_leaves_the_ranking_at_once(make_guide):
    make_guide("first", order=1)
    make_guide("second", order=2)
    assert ranked() == ["first", "second"]
    Guide.objects.filter(slug="second").update(status="draft")  # no signal: the list must still not show it
    assert [guide.slug for guide in reads.most_read(5)] == ["first"]


def test_reads_reach_the_shared_counter_in_batches_not_one_round_trip_each():
    key = reads.KEY.format("how-to-pay")
    for _ in range(reads.FLUSH_EVERY - 1):
        reads.record_read("how-to-pay")
    assert cache.get(key) is None  # still counted in this process
    reads.record_read("how-to-pay")
    assert cache.get(key) == reads.FLUSH_EVERY


def test_counting_sends_this_process_reads_first():
    reads.record_read("how-to-pay")
    assert reads.counts(["how-to-pay"]) == {"how-to-pay": 1}
