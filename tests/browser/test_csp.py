"""The strict Content-Security-Policy breaks nothing: in Chromium, no page a reader or an editor opens reports a
single violation, and htmx (the calculators, the feedback box, the admin's preview) still works under it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from guides.models import FAQ, Guide
from tests.browser.admin_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/{lang}/", "/{lang}/guides/", "/{lang}/guides/how-to-pay/", "/{lang}/faq/", "/{lang}/search/?q=2025",
          "/{lang}/calculators/", "/{lang}/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient"
          "&level=level3&cost=50000&date=2025-06-01", "/{lang}/calculators/deadline/?region=hubei&year=2025",
          "/{lang}/calculators/contribution/?region=national&year=2024&ordinary=2", "/{lang}/regions/",
          "/{lang}/regions/zhejiang-lishui/", "/{lang}/no-such-page/"]
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


def watched(context):
    """A page that records CSP violations, from the DOM event and from the console."""
    page = context.new_page()
    page.add_init_script(COLLECT)
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return page


def violations(page):
    return page.evaluate("window.__cspViolations || []") + page.console_messages


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 500, url
    return response


@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_no_public_page_reports_a_violation(demo_site, browser, lang):
    context = browser.new_context()
    page = watched(context)
    for path in PUBLIC:
        response = visit(page, demo_site.url + path.format(lang=lang))
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert violations(page) == [], (path, violations(page))
    context.close()


def test_htmx_works_under_the_policy_calculator_and_feedback(demo_site, browser):
    context = browser.new_context()
    page = watched(context)
    visit(page, f"{demo_site.url}/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient"
                f"&level=level3&cost=50000&date=2025-06-01")
    page.fill("#id_cost", "60000")
    page.wait_for_url("**cost=60000**")
    page.wait_for_load_state("networkidle")
    assert "60000" in page.locator("#share-link").input_value()
    visit(page, f"{demo_site.url}/ru/guides/how-to-pay/")
    page.click("#feedback button[value=yes]")
    page.wait_for_selector("#feedback [role=status]")
    assert page.url.endswith("/ru/guides/how-to-pay/")  # swapped in place by htmx, no page load
    assert violations(page) == []
    context.close()


def test_the_admin_pages_an_editor_uses_report_no_violation(demo_site, browser):
    editor = get_user_model().objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    guide, faq = Guide.objects.first(), FAQ.objects.first()
    context = browser.new_context(locale="ru-RU")
    page = watched(context)
    log_in(page, demo_site.url, "editor", "a-long-test-password")
    admin = f"{demo_site.url}/ru/admin"
    for path in ["/", "/parity/", "/guides/guide/", f"/guides/guide/{guide.pk}/change/", "/guides/guide/add/",
                 f"/guides/guide/{guide.pk}/history/", f"/guides/guide/{guide.pk}/history/compare/",
                 f"/guides/guide/{guide.pk}/history/{guide.history.first().history_id}/",
                 "/guides/faq/", f"/guides/faq/{faq.pk}/change/", "/guides/topic/", "/guides/feedback/",
                 "/calculators/reimbursementrule/", "/calculators/reimbursementrule/add/",
                 "/calculators/reimbursementrule/import/", "/calculators/reimbursementrule/export/",
                 "/calculators/region/", "/calculators/checkcase/", "/calculators/checkcase/run/"]:
        visit(page, admin + path)
        assert "/login/" not in page.url, path
        assert violations(page) == [], (path, violations(page))
    visit(page, f"{admin}/guides/guide/add/")
    assert page.locator("#id_body_ru").count() == 1, (page.url, page.title())
    page.fill("#id_body_ru", "## Проверка\n\nТекст предпросмотра.")
    page.wait_for_selector(".guide-preview [lang=ru] h2")  # the live preview is htmx, under the policy
    assert violations(page) == []
    context.close()
