"""A resident types into a calculator: the answer changes in place, the address bar follows, the link reproduces it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_violations(page):
    expect(page.locator(".htmx-request")).to_have_count(0)  # check the settled page
    violations = Axe().run(page).response["violations"]
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


AMOUNTS = {"zh-hans": ("34,300.00", "13,300.00"), "ru": ("34\u00a0300,00", "13\u00a0300,00")}


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_typing_updates_the_answer_and_the_link_reproduces_it(demo_site, browser, lang):
    first, second = AMOUNTS[lang]
    context = browser.new_context(viewport={"width": 360, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_site.url)
    page = context.new_page()
    page.goto(f"{demo_site.url}/{lang}/calculators/reimbursement/?region=zhejiang-lishui")
    expect(page.locator(".region-rules")).to_be_visible()  # the region's table while the bill is looked for
    page.evaluate("window.__sameDocument = true")
    page.select_option("#id_visit", "inpatient")
    page.select_option("#id_level", "level3")
    page.fill("#id_date", "2025-06-01")
    page.fill("#id_cost", "50000")
    expect(page.locator("#result")).to_contain_text(first)
    expect(page.locator(".region-rules")).to_have_count(0)  # the answer took its place
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, no page load
    assert re.search(r"cost=50000", page.url) and "region=zhejiang-lishui" in page.url

    page.fill("#id_cost", "20000")
    expect(page.locator("#result")).to_contain_text(second)
    assert "cost=20000" in page.url and "level=level3" in page.url  # the other answers are kept

    page.click("[data-copy-link]")
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert no_violations(page) == []

    fresh = context.new_page()
    fresh.goto(copied)
    assert second in fresh.locator("#result").inner_text()
    assert fresh.input_value("#id_cost") == "20000"
    context.close()


def test_calculator_works_without_javascript(demo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site.url}/ru/calculators/contribution/?region=national&year=2024")
    page.fill("#id_ordinary", "2")
    page.fill("#id_low_income", "1")
    page.click("form.calculator-form button[type=submit]")
    page.wait_for_url("**ordinary=2**")
    assert "950,00" in page.locator("#result").inner_text()
    context.close()


def test_bad_input_shows_the_message_beside_the_field_while_typing(demo_site, page):
    page.goto(f"{demo_site.url}/ru/calculators/reimbursement/?region=zhejiang-lishui")
    page.fill("#id_cost", "-5")
    expect(page.locator("#id_cost_error")).not_to_be_empty()
    assert page.input_value("#id_cost") == "-5"
    assert no_violations(page) == []


@pytest.mark.parametrize("path", [
    "/{lang}/calculators/deadline/?region=hubei&year=2025&paid_on=2025-01-15&status=lapsed&gap_years=3&repaid_years=1",
    "/{lang}/calculators/contribution/?region=national&year=2024&ordinary=2&low_income=1",
    "/{lang}/regions/zhejiang-lishui/",
    "/{lang}/calculators/reimbursement/?region=zhejiang-lishui",
    "/{lang}/guides/when-to-pay/",
])
@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_calculator_and_region_pages_have_no_axe_violations(demo_site, page, path, lang):
    page.goto(demo_site.url + path.format(lang=lang))
    assert no_violations(page) == []


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_a_region_link_opens_that_regions_table_by_keyboard_on_a_phone(demo_site, phone, lang):
    page = phone
    page.goto(f"{demo_site.url}/{lang}/calculators/reimbursement/?region=zhejiang-lishui")
    table = page.locator(".region-rules .policy-table")
    expect(table).to_be_hidden()  # one tap away: the questions stay the first thing on a phone
    page.locator(".region-rules > details > summary").focus()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    assert no_violations(page) == []


SHARED_LINK = "/{lang}/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000&date=2025-06-01"


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_a_shared_link_on_a_phone_shows_the_answer_in_the_first_screen_and_asks_only_what_applies(demo_site, phone,
                                                                                                lang):
    page = phone
    page.goto(demo_site.url + SHARED_LINK.format(lang=lang))
    box = page.locator(".headline").bounding_box()
    assert box["y"] + box["height"] <= 800  # visible without scrolling
    assert page.locator(".your-answers").is_visible()
    assert page.locator("#id_status").count() == 0  # residents have no employment status
    assert no_violations(page) == []

    page.select_option("#id_scheme", "employee")
    page.wait_for_selector("#id_status")  # the question that now applies appears, without a page load
    page.select_option("#id_status", "working")
    page.wait_for_url(re.compile("status=working"))
    assert page.locator("#id_group").count() == 0  # the population group matters only for residents
    assert no_violations(page) == []


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_errors_are_summarised_on_top_and_the_page_stays_accessible(demo_site, phone, lang):
    page = phone
    page.goto(f"{demo_site.url}/{lang}/calculators/deadline/?region=hubei&year=1999")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")  # focused on load
    page.click("[data-error-summary] a[href='#id_year']")
    assert page.evaluate("location.hash") == "#id_year"
    assert no_violations(page) == []


def test_the_qr_code_never_holds_up_the_first_paint(demo_site, page):
    """The code is an image of its own URL, asked for only when it scrolls into view: a reader on a slow
    network sees the answer painted while the code has not arrived (here it never does)."""
    held = []
    page.route("**/calculators/qr.svg*", lambda route: held.append(route))  # never answered
    page.goto(demo_site.url + "/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3"
              "&cost=50000", wait_until="commit")
    expect(page.locator("#answer-title")).to_contain_text("34 300,00")
    painted = []
    for _ in range(50):
        painted = page.evaluate("performance.getEntriesByType('paint').map((entry) => entry.name)")
        if "first-contentful-paint" in painted:
            break
        page.wait_for_timeout(100)
    assert "first-contentful-paint" in painted
    page.locator("img.qr-code").scroll_into_view_if_needed()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the code is asked for once it is in view"
    assert page.evaluate("document.querySelector('img.qr-code').naturalWidth") == 0  # still not there
    for route in held:
        route.abort()
