"""The questions page stays readable and cheap however many questions there are."""

import datetime
import re
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guides import faq_pages
from guides.models import FAQ, Topic

pytestmark = pytest.mark.django_db


def make_many(make_faq, count, topic=None, **fields):
    return [make_faq(f"q{number:03}", order=number, question_zh=f"问题{number:03}", question_ru=f"Вопрос {number:03}",
                     **({"topic": topic} if topic else {}), **fields) for number in range(count)]


def test_faq_page_gives_each_question_an_anchor(client, faq):
    html = client.get("/ru/faq/").content.decode()
    assert 'id="q-newborns"' in html
    assert "Как застраховать новорождённого?" in html


def test_answers_are_rendered_on_save_not_per_request(client, faq, monkeypatch):
    faq.refresh_from_db()
    assert faq.answer_html_zh == "<p>出生后90天内登记缴费，出生之日起的费用可以报销。</p>"
    assert faq.answer_html_ru.startswith("<p>Зарегистрируйте ребёнка")
    from guides import rendering

    monkeypatch.setattr(rendering.markdown, "Markdown", None)  # any rendering now would fail
    assert "出生后90天内登记缴费" in client.get("/zh-hans/faq/").content.decode()


def test_a_missing_translation_stores_the_other_languages_answer(make_faq):
    faq = make_faq(answer_ru="")
    assert faq.answer_html_ru == faq.answer_html_zh


def test_a_live_table_in_an_answer_is_drawn_when_shown_not_when_saved(client, make_faq, settings, live_table):
    settings.PORTAL_RESPONSE_CACHE_SECONDS = 0  # the page cache would serve the second request as it was drawn
    drawn = live_table
    faq = make_faq(answer_zh="看下表：\n\n[[table:test-live region=hubei]]\n\n以当地通知为准。")
    assert drawn == [] and "PORTALLIVEBLOCK" in faq.answer_html_zh
    first = client.get("/zh-hans/faq/").content.decode()
    second = client.get("/zh-hans/faq/").content.decode()
    assert '<table class="live">hubei 1</table>' in first and '<table class="live">hubei 2</table>' in second
    assert "PORTALLIVEBLOCK" not in first


def test_an_editors_script_is_still_removed(make_faq):
    faq = make_faq(answer_zh="<script>alert(1)</script>点击[这里](javascript:alert(1))")
    assert "<script" not in faq.answer_html_zh and "javascript:" not in faq.answer_html_zh


def test_a_topic_shows_five_answers_lists_the_next_questions_and_links_them_all(client, make_faq):
    make_many(make_faq, 25)
    html = client.get("/zh-hans/faq/").content.decode()
    assert len(re.findall(r'<article class="faq-item" id="q-q\d{3}">', html)) == faq_pages.SHOWN_PER_TOPIC == 5
    for number in range(20):
        assert f'id="q-q{number:03}"' in html  # a /faq/#q-… link to any of a topic's first 20 lands on it
    assert 'id="q-q020"' not in html
    assert 'href="/zh-hans/faq/pay/#q-q005"' in html and 'href="/zh-hans/faq/pay/?page=2#q-q019"' in html
    assert "本主题还有 20 个问题" in html
    assert 'href="/zh-hans/faq/pay/">本主题全部 25 个问答' in html


def test_the_overview_stays_the_same_length_however_many_questions_a_topic_has(client, make_faq):
    make_many(make_faq, 60)
    html = client.get("/ru/faq/").content.decode()
    assert html.count('<article class="faq-item"') == 5 and html.count('<li id="q-') == 15
    assert "Все вопросы и ответы по этой теме (60)" in html


def test_a_question_without_its_translation_is_listed_in_the_other_language_and_marked(client, make_faq):
    make_many(make_faq, 6)
    make_faq("untranslated", order=99, question_ru="", question_zh="只有中文的问题")
    html = client.get("/ru/faq/").content.decode()
    assert 'href="/ru/faq/pay/#q-untranslated" lang="zh-Hans">只有中文的问题</a>' in html


def test_a_topics_own_page_shows_its_answers_ten_a_page(client, make_faq):
    make_many(make_faq, 25)
    first = client.get("/ru/faq/pay/").content.decode()
    last = client.get("/ru/faq/pay/", {"page": 3}).content.decode()
    assert len(re.findall(r'<article class="faq-item"', first)) == 10
    assert re.findall(r'<article class="faq-item" id="q-(q\d{3})">', last) == [f"q{n:03}" for n in range(20, 25)]
    assert "25 вопросов · страница 3 из 3" in last
    assert '<h1>Уплата взносов</h1>' in first and '<h2><a class="anchor-link" href="#q-q000">' in first
    assert '<nav class="pager" aria-label="Страницы вопросов">' in first and '<a href="?page=2">2</a>' in first


def test_a_topics_page_reads_its_ten_answers_through_the_topic_index_not_every_answer(client, demo_content):
    from bench.growth import grow

    if connection.vendor != "postgresql":
        pytest.skip("the index serves PostgreSQL's planner; SQLite's tables of this size are read whole anyway")
    grow(50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE guides_faq")
    client.get("/ru/faq/pay/")  # what is read once per content version is read now
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/ru/faq/pay/", {"page": 2}).status_code == 200
    [page] = [query["sql"] for query in captured.captured_queries if "answer_html_ru" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using faq_published_in_topic" in plan and "Seq Scan on guides_faq" not in plan, plan


@pytest.mark.parametrize("path", ["/zh-hans/faq/pay/?page=4", "/zh-hans/faq/pay/?page=x", "/zh-hans/faq/pay/?page=0",
                                  "/zh-hans/faq/no-such-topic/"])
def test_a_page_that_does_not_exist_is_not_found(client, make_faq, path):
    make_many(make_faq, 25)
    assert client.get(path).status_code == 404


def test_a_topic_without_published_questions_has_no_page(client, make_faq):
    make_faq(status="draft")
    assert client.get("/zh-hans/faq/pay/").status_code == 404


def test_search_links_a_far_question_to_the_page_that_shows_its_answer(make_faq):
    from guides.search import search

    make_many(make_faq, 25, answer_zh="普通回答")
    make_faq("far", order=99, question_zh="最后一个", answer_zh="特别的回答")
    result = [g for g in search("特别", "zh-hans").groups if g.name == "questions"][0].results[0]
    assert result.url == "/zh-hans/faq/pay/?page=3#q-far"


def test_rebuilding_stored_text_refreshes_every_row_without_a_new_version(make_faq, guide):
    faq = make_faq()
    FAQ.objects.filter(pk=faq.pk).update(answer_html_zh="", search_zh="", snippet_zh="")
    call_command("rebuild_stored_text", verbosity=0)
    faq.refresh_from_db()
    assert "出生后90天内" in faq.answer_html_zh and "90" in faq.search_zh and faq.snippet_zh
    assert faq.version == 1 and faq.history.count() == 1


def test_topics_come_in_editorial_order(client, make_faq):
    other = Topic.objects.create(slug="first", name_zh="先看", name_ru="Сначала", order=0)
    make_faq("later")
    make_faq("earlier", topic=other)
    html = client.get("/zh-hans/faq/").content.decode()
    assert html.index('id="q-earlier"') < html.index('id="q-later"')


def test_the_overview_list_is_kept_and_a_new_question_shows_on_the_next_request(make_faq):
    make_faq("first", question_ru="Первый вопрос?")
    assert [t["total"] for t in faq_pages.overview("ru")] == [1]
    with CaptureQueriesContext(connection) as kept:
        faq_pages.overview("ru")
    make_faq("second", question_ru="Второй вопрос?")
    assert [t["total"] for t in faq_pages.overview("ru")] == [2]
    assert not any("ROW_NUMBER" in q["sql"].upper() for q in kept.captured_queries)


def test_a_question_scheduled_for_a_moment_is_on_the_overview_from_that_moment(make_faq):
    make_faq("first")
    moment = timezone.now() + datetime.timedelta(seconds=1)
    make_faq("scheduled", question_ru="Запланированный вопрос?", publish_at=moment)
    assert "Запланированный вопрос?" not in str(faq_pages.overview("ru"))
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
    assert [t["total"] for t in faq_pages.overview("ru")] == [2]
