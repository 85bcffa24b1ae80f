"""Region pages and calculators in the site search: found by what a reader types about them."""

import datetime

import pytest

from calculators.models import PaymentChannel, Region
from core.workflow import Status
from guides.search import search

pytestmark = pytest.mark.django_db


def regions_found(query, language):
    return [r.obj.key for g in search(query, language).groups if g.name == "regions" for r in g.results]


@pytest.fixture
def hubei(db):
    national = Region.objects.create(slug="national", name_zh="全国", name_ru="Вся страна", order=0)
    return Region.objects.create(slug="hubei", name_zh="湖北省", name_ru="Хубэй", parent=national, order=1)


def channel(region, name_zh, status, **fields):
    return PaymentChannel.objects.create(region=region, kind="app", name_zh=name_zh, status=status,
                                         source_title="通知", source_issuer="湖北省医疗保障局",
                                         checked_on=datetime.date(2026, 11, 1), **fields)


def test_a_region_page_is_found_by_its_payment_channel_in_either_language(hubei):
    channel(hubei, "楚税通APP", Status.PUBLISHED, name_ru="приложение «楚税通»")
    assert regions_found("楚税通", "zh-hans") == ["hubei"]
    assert regions_found("楚税通", "ru") == ["hubei"]


def test_a_draft_channel_does_not_lead_readers_to_a_region(hubei):
    channel(hubei, "鄂汇办APP", Status.DRAFT)
    assert regions_found("鄂汇办", "zh-hans") == []
