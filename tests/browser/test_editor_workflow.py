"""The editors' path end to end, in a real browser, in Russian:

an editor enters next year's Lishui ratio as a draft and sees which check cases it would change,
sends it for review; a reviewer publishes it for a date; the calculator's "as of" preview switches
on that date and not before; the history shows the change and reverts it; the parity page flags
the Chinese side of a text changed only in Russian.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.browser import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_YEAR = timezone.localdate().year + 1
CASE_LINK = (f"/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3"
             f"&cost=50000&date={NEXT_YEAR}-06-01")


def person(name, group):
    user = get_user_model().objects.create_user(name, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(context, server, name):
    return admin_login.log_in(context.new_page(), server.url, name, "a-long-test-password")


def test_editor_and_reviewer_change_a_rate_for_next_year(demo_site, browser):
    person("editor", "editors")
    person("reviewer", "reviewers")
    live_on = timezone.localdate() + datetime.timedelta(days=20)

    editor_context = browser.new_context(locale="ru-RU")
    editor = log_in(editor_context, demo_site, "editor")
    assert editor.locator("html").get_attribute("lang") == "ru"

    # A check case for next year: no rule yet, so it cannot be answered today.
    editor.goto(f"{demo_site.url}/ru/admin/calculators/checkcase/add/")
    editor.fill("#id_name", "Лишуй, больница 3-го уровня, следующий год")
    editor.select_option("#id_calculator", "reimbursement")
    editor.fill("#id_inputs", demo_site.url + CASE_LINK)
    editor.fill("#id_expected", '{"fund_pays": "36750.00"}')
    editor.fill("#id_checked_on", timezone.localdate().isoformat())
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")

    # Next year's Lishui level-3 rule, 75% instead of 70%, as a draft.
    editor.goto(f"{demo_site.url}/ru/admin/calculators/reimbursementrule/add/")
    editor.select_option("#id_region", label="Лишуй")
    editor.fill("#id_coverage_year", str(NEXT_YEAR))
    editor.select_option("#id_scheme", "resident")
    editor.select_option("#id_visit", "inpatient")
    editor.select_option("#id_level", "level3")
    editor.fill("#id_deductible", "1000")
    editor.select_option("#id_deductible_per", "admission")
    editor.fill("#id_annual_limit", "100000")
    editor.fill("#id_bands-0-lower", "0")
    editor.fill("#id_bands-0-ratio", "75")
    editor.fill("#id_source_title", "丽水市城乡居民医保住院待遇（测试）")
    editor.fill("#id_source_issuer", "丽水市医疗保障局")
    editor.fill("#id_checked_on", timezone.localdate().isoformat())
    assert editor.locator("#id_status option[value=published]").count() == 0  # editors cannot publish
    editor.select_option("#id_status", "draft")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")

    # The check cases page shows the draft would change the new case's answer.
    editor.goto(f"{demo_site.url}/ru/admin/calculators/checkcase/run/")
    row = editor.locator("tr", has_text="следующий год")
    assert "36,750.00" in row.inner_text() or "36750.00" in row.inner_text()

    # Send for review.
    editor.goto(f"{demo_site.url}/ru/admin/calculators/reimbursementrule/?coverage_year={NEXT_YEAR}")
    editor.locator("#result_list tbody th a").first.click()
    editor.select_option("#id_status", "review")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")

    # The editor changes a topic's name in Russian only: the parity page flags the Chinese side.
    # (Regions are reviewer-only: an editor may look at them but not rename them.)
    editor.goto(f"{demo_site.url}/ru/admin/calculators/region/?q=zhejiang-lishui")
    editor.locator("#result_list tbody th a").first.click()
    assert editor.locator("#id_name_ru").count() == 0
    from guides.models import Topic

    editor.goto(f"{demo_site.url}/ru/admin/guides/topic/{Topic.objects.get(slug='pay').pk}/change/")
    editor.fill("#id_name_ru", "Уплата взносов (обновлено)")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    editor.goto(f"{demo_site.url}/ru/admin/parity/")
    parity_row = editor.locator("tr", has_text="Уплата взносов (обновлено)")
    assert parity_row.locator("td").nth(1).inner_text().strip() != "✓"  # the Chinese column
    assert parity_row.locator("td").nth(2).inner_text().strip() == "✓"
    editor_context.close()

    # The reviewer publishes the rule from a date.
    reviewer_context = browser.new_context(locale="ru-RU")
    reviewer = log_in(reviewer_context, demo_site, "reviewer")
    reviewer.goto(f"{demo_site.url}/ru/admin/calculators/reimbursementrule/?coverage_year={NEXT_YEAR}")
    reviewer.locator("#result_list tbody th a").first.click()
    rule_url = reviewer.url.split("?")[0]
    reviewer.select_option("#id_status", "published")
    reviewer.fill("#id_publish_at_0", live_on.isoformat())
    reviewer.fill("#id_publish_at_1", "00:00:00")
    reviewer.click("input[name=_save]")
    reviewer.wait_for_selector(".messagelist .success")

    # "As of" preview: the day before, no answer for next year; on the day, 36,750.
    before = (live_on - datetime.timedelta(days=1)).isoformat()
    reviewer.goto(f"{demo_site.url}{CASE_LINK}&as_of={before}")
    assert "36\u00a0750,00" not in reviewer.locator("#result").inner_text()
    reviewer.goto(f"{demo_site.url}{CASE_LINK}&as_of={live_on.isoformat()}")
    assert "36\u00a0750,00" in reviewer.locator("#result").inner_text()
    assert reviewer.locator(".preview-banner").count() >= 1

    # The public sees nothing new yet, even with as_of in the link.
    public = browser.new_context().new_page()
    public.goto(f"{demo_site.url}{CASE_LINK}&as_of={live_on.isoformat()}")
    assert "36\u00a0750,00" not in public.locator("#result").inner_text()

    # History shows the publication; reverting to the version in review takes it back.
    reviewer.goto(rule_url.removesuffix("change/") + "history/")
    assert reviewer.locator("#change-history tbody tr").count() >= 3
    reviewer.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    assert reviewer.locator("#id_status").input_value() == "review"
    reviewer.click("input[name=_save]")
    reviewer.wait_for_selector(".messagelist .success")
    reviewer.goto(f"{demo_site.url}{CASE_LINK}&as_of={live_on.isoformat()}")
    assert "36\u00a0750,00" not in reviewer.locator("#result").inner_text()
    reviewer_context.close()
