"""Calculator check cases: the seed examples pass on the rules in force; a draft shows what it changes."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from calculators import checks
from calculators.check_links import split_share_link
from calculators.choices import Calculator
from calculators.models import CheckCase, Region, ReimbursementRule

pytestmark = pytest.mark.django_db

LISHUI_LEVEL3 = "Lishui residents, level-3 stay of 50,000"
SEED_CASES = {
    LISHUI_LEVEL3, "Lishui residents, level-1 stay of 20,000",
    "Lishui residents, primary-care stay of 10,000", "Lishui residents, level-3 stay of 300,000: above the basic limit",
    "Lishui employee in work, level-3 stay of 10,000", "Hubei 2025, paid 2025-01-15: on time",
    "Hubei 2025, paid 2025-03-10: late, waits three months", "Break of five years, all paid back: at least six months",
    "Household, national 2024, two ordinary and one low-income", "Zhejiang 2025 late joiner, paid 2025-03-15",
    "Household, national 2026, two ordinary", "Household, national 2027, before its figures are published",
    "Jinhua outpatient, signed, at a mountain-area township centre",
    "Jinhua outpatient, mountain-area centre without signing: no bonus",
}
SHARE_LINK = ("https://example.org/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient"
              "&level=level3&cost=50000&date=2025-06-01")


@pytest.fixture(autouse=True)
def demo_rules_and_cases(load_fixtures):
    load_fixtures("fixtures/rules.yaml", "fixtures/check_cases.yaml")


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user("editor", "editor@example.org", "a-long-test-password",
                                                is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client.force_login(user)
    return client


def draft_lishui_level3(ratio):
    """An editor's draft change to the Lishui level-3 residents' rule, from 1 June 2025 (not published)."""
    rule = ReimbursementRule(region=Region.objects.get(slug="zhejiang-lishui"), coverage_year=2025,
                             scheme="resident", visit="inpatient", level="level3", deductible=Decimal("1000"),
                             annual_limit=Decimal("100000"), valid_from=datetime.date(2025, 6, 1),
                             status="draft", source_title="测试", source_issuer="测试",
                             checked_on=datetime.date(2026, 11, 22))
    rule.save_with_bands([(0, None, ratio)])
    return rule


# --- running them ---------------------------------------------------------------------------------------


def test_the_seed_examples_ship_as_check_cases_and_pass_on_the_fixtures():
    results = checks.run_check_cases()
    assert {result.case.name for result in results} == SEED_CASES
    assert [(result.case.name, result.status, result.message) for result in results
            if not result.passed] == []
    lishui = next(result for result in results if result.case.name == LISHUI_LEVEL3)
    assert [(figure.key, figure.expected, figure.actual) for figure in lishui.figures][0] == (
        "fund_pays", "34300.00", "34300.00")


def test_a_check_case_is_exactly_a_residents_share_link(client):
    case = CheckCase.objects.get(name=LISHUI_LEVEL3)
    api = json.loads(client.get(f"/ru/calculators/reimbursement/?{case.inputs}",
                                HTTP_ACCEPT="application/json").content)
    assert checks.answer_for(case.calculator, case.inputs) == api


def test_a_wrong_expected_figure_fails_and_says_what_differs():
    case = CheckCase.objects.get(name=LISHUI_LEVEL3)
    case.expected = {"fund_pays": "35000.00", "you_pay": "15700"}  # a number without decimals matches too
    [result] = checks.run_check_cases([case])
    assert result.status == checks.FAILED
    assert [(figure.key, figure.actual, figure.matches) for figure in result.figures] == [
        ("fund_pays", "34300.00", False), ("you_pay", "15700.00", True)]


def test_inputs_the_calculator_refuses_are_an_error_unless_the_refusal_is_expected():
    case = CheckCase(name="no rule", calculator="reimbursement", expected={"fund_pays": "1.00"},
                     inputs="region=zhejiang-lishui&cost=500&date=2030-06-01")
    [result] = checks.run_check_cases([case])
    assert result.status == checks.ERROR and result.message.startswith("date:")
    case.expected = {"errors": ["date"]}
    assert checks.run_check_cases([case])[0].passed


def test_check_cases_can_run_as_of_a_future_moment():
    # Coverage year 2030 is too far ahead today, but not on 1 January 2030, when it uses the latest figures.
    case = CheckCase(name="next year", calculator="contribution",
                     inputs="region=national&year=2030&ordinary=1", expected={"rules_year": 2026})
    assert checks.run_check_cases([case], at=datetime.date(2030, 1, 1))[0].passed
    assert checks.run_check_cases([case], at=datetime.date(2026, 12, 1))[0].status == checks.ERROR


# --- draft changes ----------------------------------------------------------------------------------------


def test_a_draft_change_to_the_lishui_level_3_ratio_shows_the_old_and_new_fund_share():
    draft_lishui_level3(75)
    # The published rule must end where the draft starts before the draft can be published; until
    # then the draft only counts when the drafts are asked for.
    assert all(result.passed for result in checks.run_check_cases())
    changed = checks.compare_draft_changes()
    assert [comparison.case.name for comparison in changed] == [LISHUI_LEVEL3]
    changes = {change.key: (change.old, change.new) for change in changed[0].changes}
    assert changes["fund_pays"] == ("34300.00", "36750.00")  # (50,000 - 1,000) x 70% -> x 75%
    assert changed[0].now.passed and changed[0].with_drafts.status == checks.FAILED
    with_drafts = {result.case.name: result for result in checks.run_check_cases(include_drafts=True)}
    assert with_drafts[LISHUI_LEVEL3].status == checks.FAILED
    assert with_drafts["Lishui residents, level-1 stay of 20,000"].passed


def test_without_drafts_nothing_changes():
    assert checks.compare_draft_changes() == []
    assert all(not comparison.changed for comparison in checks.compare_with_drafts())


# --- the management command -------------------------------------------------------------------------------


def test_the_command_passes_on_the_demo_data_with_one_line_per_case():
    out = StringIO()
    call_command("run_check_cases", stdout=out)
    lines = out.getvalue().splitlines()
    assert len([line for line in lines if line.startswith("PASS")]) == len(SEED_CASES)
    assert lines[-1] == f"{len(SEED_CASES)} check cases: {len(SEED_CASES)} passed, 0 failed, 0 could not be answered."


def test_the_command_exits_non_zero_when_a_case_fails():
    CheckCase.objects.filter(name=LISHUI_LEVEL3).update(expected={"fund_pays": "1.00"})
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("run_check_cases", stdout=out)
    assert error.value.returncode == 1
    assert "1 failed" in str(error.value)
    assert f"FAIL   {LISHUI_LEVEL3}: fund_pays expected 1.00, got 34300.00" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_from_the_shell_too(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    CheckCase.objects.filter(name=LISHUI_LEVEL3).update(expected={"fund_pays": "1.00"})
    if connection.vendor == "sqlite":  # the test database lives in memory: copy it to a file
        target = tmp_path / "checks.sqlite3"
        connection.ensure_connection()
        connection.connection.execute("VACUUM INTO ?", (str(target),))
        url = f"sqlite:///{target}"
    else:
        db = connection.settings_dict
        url = (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
               f"/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.test_settings"}
    run = subprocess.run([sys.executable, "manage.py", "run_check_cases"], cwd=settings.BASE_DIR, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "FAIL" in run.stdout and "1 failed" in run.stderr


def test_the_command_reports_draft_changes_with_drafts():
    draft_lishui_level3(75)
    out = StringIO()
    call_command("run_check_cases", "--with-drafts", stdout=out)
    assert f"CHANGE {LISHUI_LEVEL3}: fund_pays: 34300.00 → 36750.00" in out.getvalue()


# --- share links ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    (SHARE_LINK, ("reimbursement",
                  "region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000&date=2025-06-01")),
    ("/zh-hans/calculators/deadline/?region=hubei&year=2025", ("deadline", "region=hubei&year=2025")),
    ("https://example.org/ru/calculators/deadline/reminder.ics?region=hubei", ("deadline", "region=hubei")),
    ("?region=national&year=2024&ordinary=2", (None, "region=national&year=2024&ordinary=2")),
    ("region=national&year=2024#result", (None, "region=national&year=2024")),
    ("https://example.org/ru/guides/how-to-pay/?region=x", ("", "region=x")),
    (SHARE_LINK + "&as_of=2027-01-01", ("reimbursement", split_share_link(SHARE_LINK)[1])),
])
def test_a_share_link_is_split_into_its_calculator_and_query_string(text, expected):
    assert split_share_link(text) == expected


def test_a_pasted_share_link_is_reduced_to_its_query_string_in_the_admin(editor_client):
    response = editor_client.post(reverse("admin:calculators_checkcase_add"), {
        "name": "pasted", "calculator": "reimbursement", "inputs": SHARE_LINK,
        "expected": '{"fund_pays": "34300.00"}', "notes": "", "checked_on": "",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    case = CheckCase.objects.get(name="pasted")
    assert case.inputs == "region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000&date=2025-06-01"
    assert checks.run_check_cases([case])[0].passed


def test_a_link_to_another_calculator_is_refused_with_a_message(editor_client):
    response = editor_client.post(reverse("admin:calculators_checkcase_add"), {
        "name": "wrong", "calculator": "deadline", "inputs": SHARE_LINK, "expected": '{"status": "late"}',
        "notes": "", "checked_on": "",
    })
    assert response.status_code == 200
    assert not CheckCase.objects.filter(name="wrong").exists()
    case = CheckCase(name="wrong", calculator="deadline", inputs=SHARE_LINK, expected={"status": "late"})
    with translation.override("en"), pytest.raises(ValidationError) as error:
        case.clean()
    with translation.override("en"):
        messages = error.value.message_dict["inputs"]
    assert messages == [
        "This link is for the reimbursement calculator, but this check case is for the payment deadline and "
        "cover start calculator. Paste a link from the payment deadline and cover start calculator or choose "
        "the other calculator."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        case.clean()
    assert response.context["adminform"].form.errors["inputs"] == error.value.message_dict["inputs"]
    assert escape(error.value.message_dict["inputs"][0]) in response.content.decode()


def test_expected_figures_must_be_a_json_object_of_figures_the_calculator_has():
    case = CheckCase(name="x", calculator="contribution", inputs="region=national&year=2024&ordinary=1",
                     expected={"fund_pays": "1.00"})
    with pytest.raises(ValidationError) as error:
        case.full_clean()
    assert "expected" in error.value.message_dict
    case.expected = ["950.00"]
    with pytest.raises(ValidationError):
        case.full_clean()


def test_reloading_the_check_cases_updates_them_instead_of_duplicating():
    CheckCase.objects.filter(name=LISHUI_LEVEL3).update(expected={"fund_pays": "1.00"})
    call_command("loaddata", "fixtures/check_cases.yaml", verbosity=0)
    assert CheckCase.objects.count() == len(SEED_CASES)
    assert CheckCase.objects.get(name=LISHUI_LEVEL3).expected["fund_pays"] == "34300.00"
    for case in CheckCase.objects.all():
        case.full_clean()
        assert case.calculator in Calculator.values


# --- the admin page ---------------------------------------------------------------------------------------


def test_the_admin_runs_all_check_cases_against_the_rules_and_the_drafts(editor_client):
    draft_lishui_level3(75)
    changelist = editor_client.get(reverse("admin:calculators_checkcase_changelist")).content.decode()
    run_url = reverse("admin:calculators_checkcase_run")
    assert f'href="{run_url}"' in changelist
    response = editor_client.get(run_url)
    assert response.status_code == 200
    page = response.content.decode()
    for name in SEED_CASES:
        assert escape(name) in page
    assert "36750.00" in page and "34300.00" in page
    total = len(SEED_CASES)
    assert response.context["counts"] == {"passed": total, "failed": 0, "error": 0, "total": total}
    assert response.context["changed"] == 1


def test_the_admin_action_runs_the_selected_check_cases(editor_client):
    case = CheckCase.objects.get(name=LISHUI_LEVEL3)
    response = editor_client.post(reverse("admin:calculators_checkcase_changelist"), {
        "action": "run_selected", "_selected_action": [case.pk]})
    assert response.status_code == 200
    assert [comparison.case for comparison in response.context["comparisons"]] == [case]


def test_the_run_page_needs_the_right_to_see_check_cases(client):
    user = get_user_model().objects.create_user("nobody", "nobody@example.org", "a-long-test-password",
                                                is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:calculators_checkcase_run")).status_code == 403
