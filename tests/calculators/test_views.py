"""The calculators over HTTP: page, htmx partial and JSON, in both languages, with good and bad answers."""

import json

import pytest

from calculators.models import PaymentWindow

pytestmark = pytest.mark.django_db

LISHUI_STAY = {"region": "zhejiang-lishui", "visit": "inpatient", "level": "level3", "cost": "50000",
               "date": "2025-06-01"}
HUBEI_LATE = {"region": "hubei", "year": "2025", "paid_on": "2025-01-15", "status": "continuous"}
FAMILY = {"region": "national", "year": "2024", "ordinary": "2", "low_income": "1"}


@pytest.fixture(autouse=True)
def policy_rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


def get_json(client, url, params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_lishui_level3_stay_answer_in_html(client, language):
    page = client.get(f"/{language}/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert "¥34,300.00" in page
    assert 'value="50000"' in page  # the resident's answer stays in the form
    assert '<svg class="split-bar" role="img"' in page


def test_lishui_level3_stay_answer_as_json(client):
    status, data = get_json(client, "/ru/calculators/reimbursement/", LISHUI_STAY)
    assert status == 200
    assert data["fund_pays"] == "34300.00"
    assert data["region_used"] == "zhejiang-lishui"
    assert data["rules_as_of"] == "2025-06-01"
    assert [s["code"] for s in data["steps"]][:3] == ["deductible", "band", "fund_total"]
    assert data["steps"][0]["amount"] == "1000.00"
    from decimal import Decimal

    parts = Decimal(data["fund_pays"]) + Decimal(data["serious_illness_pays"]) + Decimal(data["you_pay"])
    assert parts == Decimal("50000.00")


def test_htmx_request_gets_only_the_result(client):
    response = client.get("/zh-hans/calculators/reimbursement/", LISHUI_STAY, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "¥34,300.00" in body
    assert "HX-Request" in response["Vary"] and "Accept" in response["Vary"]


def test_htmx_error_updates_the_message_beside_the_field(client):
    body = client.get("/ru/calculators/reimbursement/", {**LISHUI_STAY, "cost": "5o000"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'id="id_cost_error" class="field-error" hx-swap-oob="true"' in body


@pytest.mark.parametrize("cost,message_part", [
    ("abc", "digits"), ("-5", "negative"), ("1e30", "too large"), ("99999999999", "too large"), ("12.345", "two digits"),
])
def test_bad_cost_is_refused_with_a_message_and_kept(client, cost, message_part):
    response = client.get("/en/calculators/reimbursement/", {**LISHUI_STAY, "cost": cost})
    assert response.status_code == 404  # there is no English site
    status, data = get_json(client, "/zh-hans/calculators/reimbursement/", {**LISHUI_STAY, "cost": cost})
    assert status == 400 and "cost" in data["errors"]
    page = client.get("/zh-hans/calculators/reimbursement/", {**LISHUI_STAY, "cost": cost}).content.decode()
    assert f'value="{cost}"' in page
    assert "id_cost_error" in page


def test_russian_reader_gets_russian_messages(client):
    page = client.get("/ru/calculators/reimbursement/", {**LISHUI_STAY, "cost": "abc"}).content.decode()
    assert '<html lang="ru">' in page
    assert "Enter an amount in yuan" not in page  # translated


@pytest.mark.parametrize("params,field", [
    ({"region": "atlantis"}, "region"),
    ({"date": "2025-02-30"}, "date"),
    ({"date": "1850-01-01"}, "date"),
    ({"cost": ""}, "cost"),
    ({"scheme": "hacker"}, "scheme"),
    ({"level": "level9"}, "level"),
    ({"group": "vip"}, "group"),
    ({"scheme": "employee"}, "status"),
    ({"date": "2031-06-01"}, "date"),
])
def test_tampered_or_impossible_answers_get_a_400_with_the_field_named(client, params, field):
    status, data = get_json(client, "/ru/calculators/reimbursement/", {**LISHUI_STAY, **params})
    assert status == 400
    assert field in data["errors"], data


def test_a_level_the_region_has_no_rule_for_is_reported_on_the_level_field(client):
    params = {"region": "anhui", "visit": "outpatient", "level": "level3", "cost": "500", "date": "2025-05-01"}
    status, data = get_json(client, "/zh-hans/calculators/reimbursement/", params)
    assert status == 400 and list(data["errors"]) == ["level"]


def test_city_without_its_own_rule_says_which_region_it_used(client):
    status, data = get_json(client, "/ru/calculators/contribution/", {"region": "zhejiang-jinhua", "year": "2025",
                                                                       "ordinary": "1"})
    assert status == 200 and data["region_used"] == "zhejiang" and data["region_asked"] == "zhejiang-jinhua"


def test_hubei_late_payer_waits_three_months(client):
    status, data = get_json(client, "/zh-hans/calculators/deadline/", HUBEI_LATE)
    assert status == 200
    assert data["status"] == "late"
    assert data["window_start"] == "2024-09-01" and data["late_deadline"] == "2025-02-28"
    assert data["waiting_months"] == 3 and data["cover_starts"] == "2025-04-15"
    assert data["days_left"] == 44 and data["amount_due"] == "400.00"


def test_deadline_page_shows_the_timeline_and_a_calendar_button(client):
    page = client.get("/ru/calculators/deadline/", HUBEI_LATE).content.decode()
    assert 'class="timeline"' in page and "2025-04-15" in page
    assert "/ru/calculators/deadline/reminder.ics?" in page


def test_calendar_reminder_is_an_ics_file_for_the_late_deadline(client):
    response = client.get("/ru/calculators/deadline/reminder.ics", HUBEI_LATE)
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "DTSTART;VALUE=DATE:20250228" in body and body.startswith("BEGIN:VCALENDAR")


def test_newborn_without_a_birth_date_is_asked_for_it(client):
    status, data = get_json(client, "/ru/calculators/deadline/", {**HUBEI_LATE, "status": "newborn"})
    assert status == 400 and "birth_date" in data["errors"]


def test_household_of_two_ordinary_and_one_low_income_pays_950(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", FAMILY)
    assert status == 200
    assert data["total_individual"] == "950.00" and data["total_subsidy"] == "2110.00"
    assert [(line["group"], line["count"]) for line in data["lines"]] == [("ordinary", 2), ("low_income", 1)]


def test_household_with_nobody_is_asked_for_a_count(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", {"region": "national", "year": "2024"})
    assert status == 400 and "__all__" in data["errors"]


def test_household_with_a_negative_count_is_refused(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", {**FAMILY, "ordinary": "-1"})
    assert status == 400 and "ordinary" in data["errors"]


def test_region_link_only_prefills_the_form(client):
    page = client.get("/zh-hans/calculators/reimbursement/", {"region": "anhui"}).content.decode()
    assert 'class="error-summary"' not in page
    assert '<option value="anhui" selected>' in page


def test_share_block_holds_the_link_and_a_qr_code(client):
    page = client.get("/zh-hans/calculators/contribution/", FAMILY).content.decode()
    assert 'data-share-link' in page and "ordinary=2" in page
    assert '<svg' in page and 'class="qr-code"' in page


def test_open_graph_description_states_the_answer(client):
    page = client.get("/ru/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert 'property="og:title"' in page and "34,300.00" in page.split('property="og:title"')[1][:200]


def test_changing_a_payment_window_in_admin_shows_at_once_in_guide_table_and_calculator(client, admin_client):
    from guides.models import Guide, Topic

    topic = Topic.objects.create(slug="pay", name_zh="缴费", name_ru="Взносы")
    Guide.objects.create(slug="when", topic=topic, title_zh="何时", title_ru="Когда", policy_year=2025,
                         status="published", body_zh="## 表\n\n[[table:payment-windows region=hubei]]",
                         body_ru="## Таблица\n\n[[table:payment-windows region=hubei]]")
    window = PaymentWindow.objects.get(region__slug="hubei", coverage_year=2025)
    assert "2025-02-28" in client.get("/zh-hans/guides/when/").content.decode()
    window.late_deadline = "2025-03-31"
    window.full_clean()
    window.save()
    assert "2025-03-31" in client.get("/ru/guides/when/").content.decode()
    status, data = get_json(client, "/zh-hans/calculators/deadline/", HUBEI_LATE)
    assert data["late_deadline"] == "2025-03-31"


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_region_page_shows_every_table_of_the_region(client, language):
    page = client.get(f"/{language}/regions/zhejiang-lishui/").content.decode()
    assert page.count('class="policy-table"') == 5
    assert "¥1,000.00" in page  # the level-3 deductible


def test_unknown_region_page_is_a_404(client):
    assert client.get("/ru/regions/atlantis/").status_code == 404


def test_guide_placeholder_with_unknown_region_shows_the_unavailable_note(client):
    from guides.rendering import render

    assert "embed-unavailable" in render("[[table:contributions region=atlantis]]", "ru").html
    assert "policy-table" in render("[[table:contributions region=zhejiang]]", "ru").html


def test_deadline_timeline_is_in_calendar_order(client):
    import re

    page = client.get("/zh-hans/calculators/deadline/", HUBEI_LATE).content.decode()
    timeline = page.split('class="timeline"')[1].split("</figure>")[0]
    dates = re.findall(r'datetime="(\d{4}-\d{2}-\d{2})"', timeline)
    assert dates == sorted(dates) and "2025-01-01" in dates and "2025-04-15" in dates


def test_a_year_without_rules_suggests_the_latest_year_we_have(client):
    from django.utils import translation
    from django.utils.translation import gettext

    status, data = get_json(client, "/ru/calculators/reimbursement/", {**LISHUI_STAY, "date": "2031-06-01"})
    assert status == 400
    with translation.override("ru"):
        expected = gettext("Rules for that year are not entered yet; the latest we have here are for %(year)s. "
                           "Try %(year)s, or check with your local agency.") % {"year": 2025}
    assert data["errors"]["date"] == [expected]


def test_answer_says_when_the_serious_illness_rule_comes_from_another_region(client):
    status, data = get_json(client, "/ru/calculators/reimbursement/", LISHUI_STAY)
    assert "serious_illness_other_region" in data["notes"]
    page = client.get("/ru/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert "Вся страна" in page.split('class="steps"')[1]
