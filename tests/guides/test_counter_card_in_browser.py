"""The foreigners' counter card in a real browser: readable on a phone, printed alone from its link,
on a page of its own when the whole guide is printed; the new guides pass axe in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import browser, demo_site, page  # noqa: F401  (the browser suite's fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = {"zh-hans": "给窗口工作人员看的双语卡片", "ru": "двуязычная-карточка-для-окна-приёма"}


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_opening_the_cards_link_and_printing_prints_the_card_alone(demo_site, page, language):  # noqa: F811
    page.goto(f"{demo_site.url}/{language}/guides/foreigners-by-document/")
    page.click(f'.prose a[href="#{CARD[language]}"]')
    page.emulate_media(media="print")
    visible = page.evaluate("""() => [...document.querySelectorAll('.guide > *, .prose > *, .site-footer')]
        .filter(el => getComputedStyle(el).display !== 'none')
        .map(el => el.id || el.tagName.toLowerCase())""")
    assert visible == ["div", CARD[language], "blockquote"]  # the prose, the card's heading, the card
    assert page.locator("blockquote table tr").count() >= 8


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_printing_the_whole_guide_starts_the_card_on_a_new_page(demo_site, page, language):  # noqa: F811
    page.goto(f"{demo_site.url}/{language}/guides/foreigners-by-document/")
    page.emulate_media(media="print")
    styles = page.evaluate(f"""() => {{ const h = document.getElementById('{CARD[language]}');
        return [getComputedStyle(h).breakBefore, getComputedStyle(h.nextElementSibling).breakInside,
                getComputedStyle(document.querySelector('.sources')).display]; }}""")
    assert styles == ["page", "avoid", "block"]


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
@pytest.mark.parametrize("slug", ["late-and-lapsed-joiners", "treatment-in-another-region", "foreigners-by-document"])
def test_new_guides_have_no_axe_violations(demo_site, page, language, slug):  # noqa: F811
    page.goto(f"{demo_site.url}/{language}/guides/{slug}/")
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
