"""Search and the questions page read a fixed number of queries, with today's content and with 50 times it."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.models import FAQ, Guide, Topic
from guides.prerender import fill_answer_html
from guides.search import fill_search_columns

pytestmark = pytest.mark.django_db

TODAY = (8, 22)  # guides, questions in the demo content
FIFTY_TIMES = (400, 1100)
PAGES = [
    "/ru/search/?q=взносов",
    "/zh-hans/search/?q=交费",
    "/zh-hans/search/?q=缴费 北京",
    "/ru/search/?q=взнос&group=questions&page=2",
    "/zh-hans/search/?q=",
    "/ru/search/?q=备案",  # found only in the other language
    "/zh-hans/faq/",
    "/ru/faq/pay/",
]


def grow(guides, faqs):
    """Published guides and questions up to the given numbers, filled as a save would fill them."""
    topics = [Topic.objects.get_or_create(slug=slug, defaults={"name_zh": slug, "name_ru": slug, "order": n})[0]
              for n, slug in enumerate(["pay", "apply", "family", "reimburse", "basics", "newcomers"])]
    new_guides, new_faqs = [], []
    for number in range(Guide.objects.count(), guides):
        guide = Guide(slug=f"guide-{number}", topic=topics[number % 6], order=number, status="published",
                      published_on=datetime.date(2026, 1, 1), title_zh=f"第{number}篇：怎么缴费",
                      title_ru=f"Статья {number}: как платить взносы", summary_zh="缴费渠道和时间。",
                      summary_ru="Где и когда платить взнос.",
                      body_zh="## 缴费\n\n在北京可以用微信缴费。\n\n- 银行\n- 税务局\n" * 20,
                      body_ru="## Взносы\n\nВ Пекине взнос можно уплатить через WeChat.\n\n- банк\n- налоговая\n" * 20)
        fill_search_columns(Guide, guide)
        new_guides.append(guide)
    for number in range(FAQ.objects.count(), faqs):
        faq = FAQ(slug=f"faq-{number}", topic=topics[number % 6], order=number, status="published",
                  question_zh=f"问题{number}：什么时候缴费？", question_ru=f"Вопрос {number}: когда платить взнос?",
                  answer_zh="每年九月到十二月缴费。\n\n[[table:contributions region=national]]\n\n"
                            "详见[怎么交费](../guides/how-to-pay/)。" * 3,
                  answer_ru="Взносы платят с сентября по декабрь.\n\n[[table:contributions region=national]]\n\n"
                            "См. [инструкцию](../guides/how-to-pay/)." * 3)
        fill_search_columns(FAQ, faq)
        fill_answer_html(FAQ, faq)
        new_faqs.append(faq)
    Guide.objects.bulk_create(new_guides)
    FAQ.objects.bulk_create(new_faqs)
    cache.clear()  # bulk_create sends no signals: start a new content version, as a real change would


def shape(query, language):
    """[(group, results shown, total)] of a search."""
    from guides.search import search

    return [(group.name, len(group.results), group.total) for group in search(query, language).groups]


def queries(client, path):
    client.get(path)  # warm: the rule book, the synonyms and the registered pages are read once per version
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_query_counts_stay_the_same_at_fifty_times_the_content(client):
    grow(*TODAY)
    for number in range(5):
        client.get(f"/zh-hans/guides/guide-{number}/")  # some read counts for the empty search
    today = {path: queries(client, path) for path in PAGES}
    shapes = {query: shape(*query) for query in (("взнос", "ru"), ("缴费 北京", "zh-hans"))}
    grow(*FIFTY_TIMES)
    assert (Guide.objects.count(), FAQ.objects.count()) == FIFTY_TIMES
    # the same kinds of results, each group showing its first five and counting the rest
    assert {query: [name for name, _shown, _total in shape(*query)] for query in shapes} == {
        query: [name for name, _shown, _total in found] for query, found in shapes.items()}
    assert all(shown == min(5, total) for query in shapes for _name, shown, total in shape(*query))
    at_scale = {path: queries(client, path) for path in PAGES}
    assert at_scale == today
    assert max(at_scale.values()) <= 5, at_scale
    # and each page stays short enough to read on a phone
    search = client.get("/ru/search/?q=взнос").content.decode()
    assert search.count('class="snippet"') <= 4 * 5  # five per group at most
    faq = client.get("/zh-hans/faq/").content.decode()
    assert faq.count('<article class="faq-item"') == 6 * 5  # five answers per topic; the next are links
    assert faq.count('<div class="prose"') == 30
