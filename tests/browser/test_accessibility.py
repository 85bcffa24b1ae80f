import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/{lang}/",
    "/{lang}/guides/",
    "/{lang}/guides/how-to-pay/",
    "/{lang}/guides/family-account-binding/",
    "/{lang}/faq/",
    "/{lang}/search/?q={query}",
    "/{lang}/search/",  # empty: the most-read guides
    "/{lang}/search/?q={query}&group=guides",  # one kind of result, page by page
    "/{lang}/search/?q=zzzzqqq",  # nothing found: calculators and the FAQ suggested
    "/{lang}/search/?q={elsewhere}",  # found only in the other language: a link there
    "/{lang}/faq/pay/",
    "/{lang}/calculators/",
    "/{lang}/no-such-page/",
]
QUERIES = {"zh-hans": "报销", "ru": "взнос"}
ELSEWHERE = {"zh-hans": "мошенник", "ru": "骗子"}  # words only the other language's pages use


def violations_of(page):
    results = Axe().run(page)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(demo_site, page, lang, path):
    page.goto(demo_site.url + path.format(lang=lang, query=QUERIES[lang], elsewhere=ELSEWHERE[lang]))
    assert page.locator("h1").count() == 1
    assert violations_of(page) == []


@pytest.mark.parametrize("lang,query", [("zh-hans", "报销"), ("ru", "Взнос")])
def test_search_from_the_header_finds_results(demo_site, page, lang, query):
    page.goto(f"{demo_site.url}/{lang}/")
    page.fill("#site-search-q", query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    assert page.locator(".search-results li").count() > 0
    assert page.locator(".search-results mark").count() > 0
    assert page.locator("input[type=search]").count() == 1  # the page's own box, not the header's too


def test_language_switcher_opens_the_same_guide_in_russian(demo_site, page):
    page.goto(f"{demo_site.url}/zh-hans/guides/how-to-pay/")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/guides/how-to-pay/")
    assert page.locator("html").get_attribute("lang") == "ru"


def test_contents_link_jumps_to_a_chinese_heading(demo_site, page):
    page.goto(f"{demo_site.url}/zh-hans/guides/how-to-pay/")
    first = page.locator(".toc a").first
    target = first.get_attribute("href")
    first.click()
    assert page.evaluate("location.hash") != ""
    assert page.locator(f"[id='{target[1:]}']").count() == 1


def test_pages_fit_a_360_pixel_phone_without_sideways_scrolling(demo_site, page):
    for path in ["/ru/", "/ru/guides/how-to-pay/", "/zh-hans/faq/", "/ru/search/?q=взнос", "/ru/faq/pay/"]:
        page.goto(demo_site.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
