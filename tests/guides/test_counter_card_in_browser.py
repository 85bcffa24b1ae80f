"""The foreigners' counter card in a real browser: printed alone from its link, on a page of its own when
the whole guide is printed; the new guides pass axe in both languages.

Each check runs Debian's Chromium in a thread of its own: the browser suite (tests/browser) keeps a
Playwright session open in the main thread for the whole run, and a second sync session cannot share it.
"""

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_site  # noqa: F401  (live server with the demo)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = {"zh-hans": "给窗口工作人员看的双语卡片", "ru": "двуязычная-карточка-для-окна-приёма"}


def in_browser(check):
    """Run ``check(page)`` on a phone-sized page in a fresh Chromium; return what it returns."""
    outcome = {}

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
                    outcome["value"] = check(page)
                finally:
                    browser.close()
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_opening_the_cards_link_and_printing_prints_the_card_alone(demo_site, language):  # noqa: F811
    def check(page):
        page.goto(f"{demo_site.url}/{language}/guides/foreigners-by-document/")
        page.click(f'.prose a[href="#{CARD[language]}"]')
        page.emulate_media(media="print")
        visible = page.evaluate("""() => [...document.querySelectorAll('.guide > *, .prose > *, .site-footer')]
            .filter(el => getComputedStyle(el).display !== 'none')
            .map(el => el.id || el.tagName.toLowerCase())""")
        return visible, page.locator("blockquote table tr").count()

    visible, rows = in_browser(check)
    assert visible == ["div", CARD[language], "blockquote"]  # the prose, the card's heading, the card
    assert rows >= 8


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_printing_the_whole_guide_starts_the_card_on_a_new_page(demo_site, language):  # noqa: F811
    def check(page):
        page.goto(f"{demo_site.url}/{language}/guides/foreigners-by-document/")
        page.emulate_media(media="print")
        return page.evaluate(f"""() => {{ const h = document.getElementById('{CARD[language]}');
            return [getComputedStyle(h).breakBefore, getComputedStyle(h.nextElementSibling).breakInside,
                    getComputedStyle(document.querySelector('.sources')).display]; }}""")

    assert in_browser(check) == ["page", "avoid", "block"]


def test_new_guides_have_no_axe_violations_in_either_language(demo_site):  # noqa: F811
    def check(page):
        found = {}
        for language in ("zh-hans", "ru"):
            for slug in ("late-and-lapsed-joiners", "treatment-in-another-region", "foreigners-by-document"):
                page.goto(f"{demo_site.url}/{language}/guides/{slug}/")
                violations = Axe().run(page).response["violations"]
                found[f"{language}/{slug}"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        return found

    found = in_browser(check)
    assert {page: violations for page, violations in found.items() if violations} == {}
    assert len(found) == 6
