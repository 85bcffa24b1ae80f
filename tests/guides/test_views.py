import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_guide_page_shows_contents_sources_and_dates_in_chinese(client, guide):
    page = client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert "<h1>怎么缴费</h1>" in page
    assert 'href="#微信缴费"' in page
    assert "国办发〔2024〕38号" in page
    assert 'datetime="2026-11-01"' in page
    assert "2025" in page


def test_guide_page_in_russian(client, guide):
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert '<html lang="ru">' in page
    assert "<h1>Как платить взнос</h1>" in page
    assert 'href="#оплата-через-wechat"' in page


def test_missing_russian_text_shows_chinese_with_note_and_lang(client, make_guide):
    make_guide(title_ru="", body_ru="", summary_ru="")
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert '<h1 lang="zh-Hans">怎么缴费</h1>' in page
    assert 'class="fallback-note"' in page
    assert '<div class="prose" lang="zh-Hans">' in page


def test_draft_guide_is_hidden_from_readers(client, make_guide):
    make_guide(status="draft")
    assert client.get("/zh-hans/guides/how-to-pay/").status_code == 404


def test_staff_can_preview_a_draft_at_its_real_url(client, make_guide):
    make_guide(status="draft")
    staff = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.get("/zh-hans/guides/how-to-pay/")
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()


def test_unknown_guide_is_the_404_page_in_russian(client):
    response = client.get("/ru/guides/no-such-guide/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.content.decode()


def test_unknown_guide_is_the_404_page_in_chinese(client):
    response = client.get("/zh-hans/guides/no-such-guide/")
    assert response.status_code == 404
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_guide_index_groups_guides_by_topic(client, guide, make_guide):
    make_guide("hidden-draft", status="draft", title_zh="草稿指南")
    page = client.get("/zh-hans/guides/").content.decode()
    assert 'id="topic-pay"' in page and "怎么缴费" in page
    assert "草稿指南" not in page


def test_faq_page_gives_each_question_an_anchor(client, faq):
    page = client.get("/ru/faq/").content.decode()
    assert 'id="q-newborns"' in page
    assert "Как застраховать новорождённого?" in page


def test_editing_a_guide_in_admin_changes_the_page_as_soon_as_it_is_published(client, guide):
    author = get_user_model().objects.create_superuser("author", password="pw")
    reviewer = get_user_model().objects.create_superuser("reviewer", password="pw")

    def form(**changes):
        guide.refresh_from_db()
        return {
            "slug": guide.slug, "topic": guide.topic.pk, "order": 0, "policy_year": 2025,
            "published_on": "2026-01-01", "updated_on": timezone.localdate().isoformat(),
            "initial-published_on": "2026-01-01", "initial-updated_on": guide.updated_on.isoformat(),
            "status": guide.status, "publish_at_0": "", "publish_at_1": "", "seen_version": guide.version,
            "title_zh": guide.title_zh, "title_ru": guide.title_ru, "summary_zh": "", "summary_ru": "",
            "body_zh": guide.body_zh, "body_ru": guide.body_ru,
            "sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0, "sources-MIN_NUM_FORMS": 0,
            "sources-MAX_NUM_FORMS": 1000, **changes,
        }

    url = f"/zh-hans/admin/guides/guide/{guide.pk}/change/"
    client.force_login(author)
    response = client.post(url, form(status="review", title_zh="新标题", body_zh="## 新内容\n\n改过了。"))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(reviewer)
    assert client.post(url, form(status="published")).status_code == 302
    client.logout()
    page = client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert "<h1>新标题</h1>" in page and "改过了。" in page


def test_a_guide_shows_the_coverage_year_of_the_rules_in_force_not_a_fixed_year(client, make_guide, monkeypatch):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from calculators.rules import CHINA

    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    moment = datetime.datetime(2026, 12, 1, tzinfo=CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    make_guide(slug="rates", policy_year=None)
    page = client.get("/ru/guides/rates/").content.decode()
    assert "Цифры на год страхования" in page and "2026" in page
    assert "цифры на 2027 год ещё не опубликованы" in page
    make_guide(slug="old-text", policy_year=2024)
    page = client.get("/zh-hans/guides/old-text/").content.decode()
    assert "本文是按 2024 年度的规则写的" in page


def sources_section(client, url):
    page = client.get(url).content.decode()
    return page[page.index('id="sources-title"'):]


@pytest.fixture
def russian_article_source(guide):
    from guides.models import GuideSource

    return GuideSource.objects.create(
        guide=guide, order=2, title="Как оплатить кооперативную медицинскую помощь", title_zh="如何缴纳合作医疗费",
        title_ru="Как оплатить кооперативную медицинскую помощь", issuer_zh="第三方网站（作者不详）",
        issuer_ru="сторонний сайт (автор не указан)")


def test_chinese_page_gives_a_russian_source_title_in_chinese_with_the_original_beside_it(client, russian_article_source):
    sources = sources_section(client, "/zh-hans/guides/how-to-pay/")
    assert "<cite>如何缴纳合作医疗费</cite>" in sources
    assert '<span lang="ru">Как оплатить кооперативную медицинскую помощь</span>' in sources
    assert "第三方网站（作者不详）" in sources and "сторонний сайт" not in sources
    # A Chinese title is shown once, without a bracketed copy of itself.
    assert sources.count("国务院办公厅关于健全基本医疗保险参保长效机制的指导意见") == 1


def test_russian_page_gives_each_source_title_and_issuer_in_russian_with_the_chinese_original(
        russian_client, guide, russian_article_source):
    source = guide.sources.get(order=1)
    source.title_ru = "Указания Канцелярии Госсовета КНР о совершенствовании долгосрочного механизма участия"
    source.save()
    sources = sources_section(russian_client, "/ru/guides/how-to-pay/")
    assert "<cite>Указания Канцелярии Госсовета КНР о совершенствовании долгосрочного механизма участия</cite>" in sources
    assert '<span lang="zh-Hans">国务院办公厅关于健全基本医疗保险参保长效机制的指导意见</span>' in sources
    assert "Канцелярия Госсовета КНР" in sources and "国务院办公厅</span>" not in sources
    # The Russian article's title is already Russian: no bracketed original.
    assert sources.count("Как оплатить кооперативную медицинскую помощь") == 1


def test_a_source_without_translated_titles_shows_its_original_title_once(client, guide):
    sources = sources_section(client, "/zh-hans/guides/how-to-pay/")
    assert "<cite>国务院办公厅关于健全基本医疗保险参保长效机制的指导意见</cite>" in sources
    assert 'class="source-original"' not in sources


def test_the_guide_index_shows_fifteen_guides_a_page_with_a_pager(client, make_guide):
    for number in range(20):
        make_guide(f"guide-{number:02}", order=number, title_ru=f"Инструкция {number:02}")
    first = client.get("/ru/guides/").content.decode()
    second = client.get("/ru/guides/", {"page": 2}).content.decode()
    assert first.count('href="/ru/guides/guide-') == 15 and second.count('href="/ru/guides/guide-') == 5
    assert '<nav class="pager" aria-label="Страницы инструкций">' in first
    assert '<a href="?page=2">2</a>' in first and '<span aria-current="page">2</span>' in second
    assert client.get("/ru/guides/", {"page": 3}).status_code == 404
    assert client.get("/ru/guides/", {"page": "x"}).status_code == 404


def test_a_pager_shows_the_ends_and_the_neighbours_however_many_pages_there_are():
    from guides.views import pager_numbers

    assert pager_numbers(1, 3) == [1, 2, 3]
    assert pager_numbers(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert len(pager_numbers(1, 400)) == len(pager_numbers(1, 40))


def test_the_guide_index_shows_one_topics_guides(client, make_guide, topic):
    from guides.models import Topic

    other = Topic.objects.create(slug="apply", name_zh="参保", name_ru="Оформление", order=2)
    make_guide("paying")
    make_guide("applying", topic=other)
    page = client.get("/ru/guides/", {"topic": "apply"}).content.decode()
    assert 'href="/ru/guides/applying/"' in page and 'href="/ru/guides/paying/"' not in page
    assert client.get("/ru/guides/", {"topic": "nope"}).status_code == 404
