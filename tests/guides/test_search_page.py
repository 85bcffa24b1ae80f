"""The search page: one box, grouped results, the most-read guides, and what a miss offers instead."""

import re

import pytest

from guides import reads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def page(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_page_has_one_search_box(client, guide):
    for query in ["", "缴费", "没有这个词"]:
        html = page(client, "/zh-hans/search/", q=query)
        assert html.count('role="search"') == 1
        assert html.count('type="search"') == 1
        assert 'id="site-search-q"' not in html


def test_other_pages_keep_the_header_search_box(client, guide):
    html = page(client, "/zh-hans/guides/how-to-pay/")
    assert html.count('role="search"') == 1 and 'id="site-search-q"' in html


def test_search_page_shows_title_and_marked_snippet(client, guide):
    html = page(client, "/zh-hans/search/", q="银行")
    assert "怎么缴费" in html
    assert "<mark>银行</mark>" in html


def test_results_are_grouped_under_headings_with_counts(client, make_guide, make_faq):
    make_guide(body_ru="Взносы платят раз в год.")
    make_faq(answer_ru="Взнос за ребёнка.")
    html = page(client, "/ru/search/", q="взносов")
    assert '<h2 id="group-guides">Инструкции <span class="group-count">(1)</span></h2>' in html
    assert '<h2 id="group-questions">Вопросы <span class="group-count">(1)</span></h2>' in html
    assert 'href="#group-questions"' in html  # the kinds found, linked at the top


def test_a_long_group_links_to_all_of_its_results_page_by_page(client, make_guide):
    for number in range(23):
        make_guide(f"guide-{number:02}", order=number, body_zh="缴费")
    html = page(client, "/zh-hans/search/", q="缴费")
    assert len(re.findall(r'href="/zh-hans/guides/guide-\d\d/"', html)) == 5
    assert 'href="?q=%E7%BC%B4%E8%B4%B9&amp;group=guides"' in html
    second = page(client, "/zh-hans/search/", q="缴费", group="guides", page=2)
    assert re.findall(r'href="/zh-hans/guides/(guide-\d\d)/"', second) == ["guide-20", "guide-21", "guide-22"]
    assert '<ol class="search-results" start="21">' in second
    assert '<span aria-current="page">2</span>' in second


@pytest.mark.parametrize("params", [{"group": "guides", "page": "9"}, {"group": "guides", "page": "x"},
                                    {"group": "guides", "page": "0"}])
def test_a_page_of_results_that_does_not_exist_is_not_found(client, guide, params):
    assert client.get("/zh-hans/search/", {"q": "缴费", **params}).status_code == 404


def test_an_unknown_group_shows_every_group(client, guide):
    html = page(client, "/zh-hans/search/", q="缴费", group="nonsense", page="x")
    assert 'id="group-guides"' in html


def test_empty_search_lists_the_most_read_guides_in_read_order(client, make_guide):
    for slug, order in [("first", 1), ("second", 2), ("third", 3)]:
        make_guide(slug, order=order, title_zh=f"指南{order}")
    for _ in range(3):
        client.get("/zh-hans/guides/third/")
    client.get("/zh-hans/guides/second/")
    html = page(client, "/zh-hans/search/", q="")
    listed = re.findall(r'<li><a href="/zh-hans/guides/([a-z]+)/"', html.split('id="most-read"')[1])
    assert listed == ["third", "second", "first"]


def test_empty_search_falls_back_to_editorial_order_without_counts(client, make_guide):
    make_guide("later", order=2)
    make_guide("earlier", order=1)
    html = page(client, "/ru/search/")
    assert re.findall(r'<li><a href="/ru/guides/([a-z]+)/"', html.split('id="most-read"')[1]) == ["earlier", "later"]


def test_nothing_found_suggests_the_calculators_and_the_faq(client, guide):
    html = page(client, "/ru/search/", q="абракадабра")
    assert "По запросу «абракадабра» ничего не найдено." in html
    for url in ["/ru/calculators/reimbursement/", "/ru/calculators/deadline/", "/ru/calculators/contribution/",
                "/ru/faq/"]:
        assert f'href="{url}"' in html


def test_nothing_found_offers_the_other_languages_results(client, make_guide, make_faq):
    make_guide(body_zh="异地就医备案", body_ru="регистрация лечения")
    make_faq(answer_zh="异地就医备案要先办", answer_ru="сначала регистрация")
    html = page(client, "/ru/search/", q="备案")
    assert html.count("备案") >= 1 and 'class="other-language"' in html
    assert 'href="/zh-hans/search/?q=%E5%A4%87%E6%A1%88"' in html
    assert "В китайской версии по этому запросу есть 2 результата" in html


def test_nothing_found_in_either_language_offers_no_other_language_link(client, guide):
    assert 'class="other-language"' not in page(client, "/zh-hans/search/", q="абракадабра")


def test_reading_a_guide_counts_one_read_and_staff_previews_do_not(client, admin_client, guide):
    client.get("/zh-hans/guides/how-to-pay/")
    client.get("/ru/guides/how-to-pay/")
    admin_client.get("/zh-hans/guides/how-to-pay/")
    assert reads.counts(["how-to-pay"]) == {"how-to-pay": 2}


@pytest.mark.parametrize("query", ["", "x" * 2000, "<script>alert(1)</script>", "%", "_", "\x00",
                                   "'; drop table guides_guide; --", "交费\x00缴费"])
@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_search_never_fails_whatever_is_typed(client, guide, query, language):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_keeps_the_query_in_the_box(client, guide):
    assert 'value="взнос"' in page(client, "/ru/search/", q="взнос")
