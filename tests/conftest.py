import datetime

import pytest


@pytest.fixture
def topic(db):
    from guides.models import Topic

    return Topic.objects.create(slug="pay", name_zh="缴费", name_ru="Уплата взносов", order=1)


@pytest.fixture
def make_guide(topic):
    def make(slug="how-to-pay", **fields):
        values = {
            "topic": topic,
            "title_zh": "怎么缴费",
            "title_ru": "Как платить взнос",
            "summary_zh": "所有缴费渠道。",
            "summary_ru": "Все способы уплаты.",
            "body_zh": "## 微信缴费\n\n打开微信，进入城市服务。\n\n## 银行缴费\n\n带上身份证。",
            "body_ru": "## Оплата через WeChat\n\nОткройте WeChat и найдите городские услуги.\n\n## Оплата в банке\n\nВозьмите паспорт.",
            "status": "published",
            "published_on": datetime.date(2026, 1, 1),
            "updated_on": datetime.date(2026, 11, 1),
            "policy_year": 2025,
        }
        values.update(fields)
        from guides.models import Guide

        return Guide.objects.create(slug=slug, **values)

    return make


@pytest.fixture
def guide(make_guide):
    from guides.models import GuideSource

    guide = make_guide()
    GuideSource.objects.create(guide=guide, order=1, title="国务院办公厅关于健全基本医疗保险参保长效机制的指导意见",
                               issuer_zh="国务院办公厅", issuer_ru="Канцелярия Госсовета КНР", document_number="国办发〔2024〕38号")
    return guide


@pytest.fixture
def make_faq(topic):
    def make(slug="newborns", **fields):
        values = {
            "topic": topic,
            "question_zh": "新生儿怎么参保？",
            "question_ru": "Как застраховать новорождённого?",
            "answer_zh": "出生后90天内登记缴费，出生之日起的费用可以报销。",
            "answer_ru": "Зарегистрируйте ребёнка в течение 90 дней после рождения: расходы покрываются с даты рождения.",
            "status": "published",
        }
        values.update(fields)
        from guides.models import FAQ

        return FAQ.objects.create(slug=slug, **values)

    return make


@pytest.fixture
def faq(make_faq):
    return make_faq()


@pytest.fixture
def russian_client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="ru")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request made by an earlier test leaves its
    language active in the thread, which would otherwise change what reverse() and gettext return."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as the database starts empty: an entry left by an earlier test
    would describe rows that were rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
