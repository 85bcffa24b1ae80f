"""The calculators over HTTP: page, htmx partial and JSON, in both languages, with good and bad answers."""

import datetime
import json

import pytest

from calculators.models import PaymentWindow

pytestmark = pytest.mark.django_db

LISHUI_STAY = {"region": "zhejiang-lishui", "visit": "inpatient", "level": "level3", "cost": "50000",
               "date": "2025-06-01"}
HUBEI_ON_TIME = {"region": "hubei", "year": "2025", "paid_on": "2025-01-15", "status": "continuous"}
HUBEI_LATE = {**HUBEI_ON_TIME, "paid_on": "2025-03-10"}
FAMILY = {"region": "national", "year": "2024", "ordinary": "2", "low_income": "1"}


@pytest.fixture(autouse=True)
def policy_rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


def get_json(client, url, params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize("language,amount", [("zh-hans", "¥34,300.00"), ("ru", "34\u00a0300,00\u00a0¥")])
def test_lishui_level3_stay_answer_in_html(client, language, amount):
    page = client.get(f"/{language}/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert amount in page
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
    from django.http import QueryDict

    from calculators.forms import ReimbursementForm

    query = {**LISHUI_STAY, "cost": "5o000"}
    shape = ReimbursementForm(QueryDict(mutable=True) | query).shape_signature()
    body = client.get("/ru/calculators/reimbursement/", query, HTTP_HX_REQUEST="true",
                      HTTP_X_CALCULATOR_FORM=shape).content.decode()
    assert 'id="id_cost_error" class="field-error" hx-swap-oob="true"' in body
    assert 'id="calculator-form" hx-swap-oob="true"' not in body  # the form the resident types in stays
    assert 'id="error-summary" hx-swap-oob="true"' in body and 'href="#id_cost"' in body


def test_htmx_sends_the_form_again_when_the_questions_change(client):
    body = client.get("/ru/calculators/reimbursement/", {**LISHUI_STAY, "scheme": "employee"},
                      HTTP_HX_REQUEST="true", HTTP_X_CALCULATOR_FORM="cost;date;level:level3;region:x").content.decode()
    assert 'id="calculator-form" hx-swap-oob="true"' in body and 'name="status"' in body


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


def test_hubei_payment_by_28_february_is_on_time_and_covered_from_1_january(client):
    status, data = get_json(client, "/zh-hans/calculators/deadline/", HUBEI_ON_TIME)
    assert status == 200
    assert data["status"] == "open"
    assert data["window_start"] == "2024-09-01" and data["window_end"] == "2025-02-28"
    assert data["waiting_months"] == 0 and data["cover_starts"] == "2025-01-01"
    assert data["amount_due"] == "400.00"
    assert data["days_left"] is None  # counted from today, long after that period


def test_hubei_late_payer_waits_three_months(client):
    status, data = get_json(client, "/zh-hans/calculators/deadline/", HUBEI_LATE)
    assert status == 200
    assert data["status"] == "late" and data["late_deadline"] is None
    assert data["waiting_months"] == 3 and data["cover_starts"] == "2025-06-10"


def test_the_hubei_answer_shows_the_source_caveat(client):
    page = client.get("/ru/calculators/deadline/", HUBEI_ON_TIME).content.decode()
    assert "28.02.2025" in page.split('class="rules-used"')[1]  # the note on the contradicting dates


def test_deadline_page_shows_the_timeline_and_a_calendar_button(client):
    page = client.get("/ru/calculators/deadline/", HUBEI_LATE).content.decode()
    assert 'class="timeline"' in page and "2025-06-10" in page
    assert "/ru/calculators/deadline/reminder.ics?" not in page  # everything in it is in the past
    page = client.get("/ru/calculators/deadline/", {"region": "hubei"}).content.decode()
    assert "/ru/calculators/deadline/reminder.ics?" in page


def test_calendar_reminders_are_the_dates_still_ahead_each_with_an_alarm(client, monkeypatch):
    from django.utils import timezone

    from calculators.rules import CHINA

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, 10, tzinfo=CHINA))
    response = client.get("/ru/calculators/deadline/reminder.ics", {"region": "hubei", "status": "new"})
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar") and body.startswith("BEGIN:VCALENDAR")
    starts = [line for line in body.splitlines() if line.startswith("DTSTART")]
    assert starts == ["DTSTART;VALUE=DATE:20261231", "DTSTART;VALUE=DATE:20270101"]  # period ends, cover starts
    assert body.count("BEGIN:VALARM") == 2
    assert "20260901" not in body  # the period opened in the past


def test_a_deadline_in_the_past_offers_no_calendar_file_and_says_so(client):
    page = client.get("/ru/calculators/deadline/", HUBEI_ON_TIME).content.decode()
    assert "reminder.ics" not in page
    assert client.get("/ru/calculators/deadline/reminder.ics", HUBEI_ON_TIME).status_code == 400


def test_newborn_without_a_birth_date_is_asked_for_it(client):
    status, data = get_json(client, "/ru/calculators/deadline/", {**HUBEI_LATE, "status": "newborn"})
    assert status == 400 and "birth_date" in data["errors"]


def test_household_of_two_ordinary_and_one_low_income_pays_950(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", FAMILY)
    assert status == 200
    assert data["total_individual"] == "950.00" and data["total_subsidy"] == "2170.00"
    assert "example_figure" in data["notes"]  # the 低保 amount is one unnamed region's
    assert [(line["group"], line["count"]) for line in data["lines"]] == [("ordinary", 2), ("low_income", 1)]


def test_household_with_nobody_is_asked_for_a_count(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/",
                            {"region": "national", "year": "2024", "ordinary": "0"})
    assert status == 400 and "__all__" in data["errors"]


def test_household_link_with_only_a_region_answers_for_one_ordinary_resident_this_year(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", {"region": "national"})
    assert status == 200 and [(line["group"], line["count"]) for line in data["lines"]] == [("ordinary", 1)]


def test_household_with_a_negative_count_is_refused(client):
    status, data = get_json(client, "/zh-hans/calculators/contribution/", {**FAMILY, "ordinary": "-1"})
    assert status == 400 and "ordinary" in data["errors"]


def test_region_link_only_prefills_the_form(client):
    page = client.get("/zh-hans/calculators/reimbursement/", {"region": "anhui"}).content.decode()
    assert 'class="error-summary"' not in page
    assert '<option value="anhui" selected>' in page


@pytest.mark.parametrize("language,heading,caption", [
    ("zh-hans", "的规则</h2>", "统筹基金支付标准"), ("ru", "Правила: ", "Что оплачивает общий фонд")])
def test_a_region_link_shows_that_regions_reimbursement_table_under_the_form(client, language, heading, caption):
    page = client.get(f"/{language}/calculators/reimbursement/", {"region": "zhejiang-lishui"}).content.decode()
    rules = page.split('<section class="region-rules"')[1].split("</section>")[0]
    assert heading in rules and caption in rules and "policy-table" in rules
    assert f'href="/{language}/regions/zhejiang-lishui/"' in rules
    assert page.index('id="calculator-form"') < page.index('<div id="result"') < page.index('class="region-rules"')


@pytest.mark.parametrize("params", [{**LISHUI_STAY}, {"region": "nowhere"}, {}])
def test_an_answer_an_unknown_region_or_no_region_shows_no_regional_table(client, params):
    response = client.get("/ru/calculators/reimbursement/", params)
    assert response.status_code == 200 and 'class="region-rules"' not in response.content.decode()


def test_share_block_holds_the_link_and_a_qr_code(client):
    page = client.get("/zh-hans/calculators/contribution/", FAMILY).content.decode()
    assert 'data-share-link' in page and "ordinary=2" in page
    src = page.split('<img class="qr-code" src="')[1].split('"')[0].replace("&amp;", "&")
    code = client.get(src)
    assert code.status_code == 200 and code["Content-Type"] == "image/svg+xml"
    assert code.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_neither_the_page_nor_the_partial_draws_the_qr_code(client, monkeypatch):
    from calculators import qr

    monkeypatch.setattr(qr, "svg", None)  # drawing a code now would fail
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get("/ru/calculators/contribution/", FAMILY, **headers)
        assert response.status_code == 200 and 'class="qr-code"' in response.content.decode()


def test_open_graph_description_states_the_answer(client):
    page = client.get("/ru/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert 'property="og:title"' in page and "34\u00a0300,00" in page.split('property="og:title"')[1][:200]
    assert 'property="og:url" content="http://testserver/ru/calculators/reimbursement/?region=zhejiang-lishui' in page


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
    assert page.count('class="policy-table"') == 6  # payment periods, ways to pay, waiting, contributions, ...
    assert 'id="payment-channels"' in page
    assert ("¥1,000.00" if language == "zh-hans" else "1\u00a0000,00\u00a0¥") in page  # the level-3 deductible


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
    assert dates == sorted(dates) and "2025-01-01" in dates and "2025-06-10" in dates


def test_a_year_before_our_rules_names_the_first_year_we_have(client):
    from django.utils import translation
    from django.utils.translation import gettext

    status, data = get_json(client, "/ru/calculators/reimbursement/", {**LISHUI_STAY, "date": "2019-06-01"})
    assert status == 400
    with translation.override("ru"):
        expected = gettext("Our rules for this region start with %(year)s; we have none for earlier years. Try "
                           "%(year)s or later, or check with your local agency.") % {"year": 2025}
    assert data["errors"]["date"] == [expected]


def test_a_later_year_without_rules_uses_the_latest_and_says_so(client):
    status, data = get_json(client, "/ru/calculators/reimbursement/", {**LISHUI_STAY, "date": "2027-06-01"})
    assert status == 200 and data["fund_pays"] == "34300.00"
    assert (data["coverage_year"], data["rules_year"]) == (2027, 2025)
    assert "rules_from_earlier_year" in data["notes"]


def test_a_region_without_a_serious_illness_rule_of_its_own_says_so(client):
    status, data = get_json(client, "/ru/calculators/reimbursement/", LISHUI_STAY)
    assert data["serious_illness_pays"] == "0.00"
    assert "no_serious_illness_rule" in data["notes"]
    page = client.get("/ru/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert "Лишуй" in page.split('class="answer"')[1].split("</section>")[0]


def test_answer_says_when_the_serious_illness_rule_comes_from_another_region(client):
    from decimal import Decimal

    from calculators.models import Region, SeriousIllnessRule

    rule = SeriousIllnessRule(region=Region.objects.get(slug="zhejiang"), coverage_year=2025, deductible=20000,
                              status="published", source_title="测试", source_issuer="测试",
                              checked_on="2026-11-01")
    rule.save_with_bands([(Decimal("20000"), None, Decimal("60"))])
    status, data = get_json(client, "/ru/calculators/reimbursement/", LISHUI_STAY)
    assert "serious_illness_other_region" in data["notes"]
    assert data["serious_illness_pays"] == "0.00"  # 15,700 left to the patient is under the 20,000 deductible
    page = client.get("/ru/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert "Чжэцзян" in page.split('class="answer"')[1]


# --- the answer first, errors on top, next steps ------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_a_complete_answer_opens_with_the_outcome_then_the_answers_given_then_the_form(client, language):
    page = client.get(f"/{language}/calculators/reimbursement/", LISHUI_STAY).content.decode()
    headline, answers_given, working, form = (page.index('class="headline"'), page.index('class="your-answers"'),
                                              page.index('class="steps"'), page.index('class="calculator-form"'))
    assert headline < answers_given < working < form
    assert 'href="#id_cost"' in page.split('class="your-answers"')[1].split("</section>")[0]  # a change link


def test_without_an_answer_the_form_comes_first():
    from django.test import Client

    page = Client().get("/ru/calculators/reimbursement/", {"region": "zhejiang-lishui"}).content.decode()
    assert 'class="headline"' not in page and 'class="calculator-form"' in page


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_errors_are_summarised_above_the_form_with_a_link_to_each_field(client, language):
    page = client.get(f"/{language}/calculators/deadline/", {"region": "hubei", "year": "1999", "paid_on": "x"}).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert page.index('class="error-summary"') < page.index('class="calculator-form"')
    assert 'href="#id_year"' in summary and 'href="#id_paid_on"' in summary
    assert 'id="id_year_error"' in page  # and beside the field
    assert 'tabindex="-1" data-error-summary' in summary  # focused when the page opens


def test_a_late_answer_points_to_the_late_joiners_guide_and_an_on_time_one_to_paying(client):
    late = client.get("/ru/calculators/deadline/", HUBEI_LATE).content.decode()
    assert "/ru/guides/late-and-lapsed-joiners/" in late.split('class="next-steps"')[1]
    on_time = client.get("/ru/calculators/deadline/", {"region": "hubei"}).content.decode()
    steps = on_time.split('class="next-steps"')[1].split("</section>")[0]
    assert "/ru/guides/how-to-pay/" in steps and "late-and-lapsed-joiners" not in steps
    assert "12345" in steps


def test_a_reimbursement_answer_points_to_claiming(client):
    page = client.get("/zh-hans/calculators/reimbursement/", LISHUI_STAY).content.decode()
    assert "/zh-hans/guides/claim-reimbursement/" in page.split('class="next-steps"')[1]


@pytest.mark.parametrize("name,params,figure", [
    ("reimbursement", LISHUI_STAY, "34\u00a0300,00"),
    ("deadline", HUBEI_LATE, "10 июня 2025 г."),
    ("contribution", FAMILY, "950,00"),
])
def test_every_answer_has_its_own_preview_title_and_description_with_the_figure(client, name, params, figure):
    page = client.get(f"/ru/calculators/{name}/", params).content.decode()
    head = page.split("</head>")[0]
    og_title = head.split('property="og:title" content="')[1].split('"')[0]
    og_description = head.split('property="og:description" content="')[1].split('"')[0]
    assert figure in og_title + og_description
    assert 'property="og:url" content="http://testserver/ru/calculators/' in head


def test_a_link_with_an_answer_that_does_not_apply_still_works_and_says_so(client):
    status, data = get_json(client, "/ru/calculators/deadline/", {**HUBEI_ON_TIME, "gap_years": "3"})
    assert status == 200 and data["ignored_parameters"] == ["gap_years"] and "ignored_parameters" in data["notes"]
    page = client.get("/ru/calculators/deadline/", {**HUBEI_ON_TIME, "gap_years": "3"}).content.decode()
    assert "не учитывались: Сколько лет без страховки" in page.split('class="your-answers"')[1].split("</section>")[0]


def test_days_left_are_counted_from_today(client, monkeypatch):
    from django.utils import timezone

    from calculators.rules import CHINA

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, 9, tzinfo=CHINA))
    status, data = get_json(client, "/zh-hans/calculators/deadline/",
                            {"region": "hubei", "paid_on": "2026-12-20", "status": "continuous"})
    assert (data["coverage_year"], data["status"], data["days_left"]) == (2027, "open", 30)


def test_no_stray_space_before_punctuation_on_russian_pages(client):
    import re

    for url in ["/ru/calculators/", "/ru/regions/", "/ru/regions/zhejiang/", "/ru/calculators/deadline/?region=hubei"]:
        page = re.sub(r"<(script|style|title).*?</\1>", "", client.get(url).content.decode(), flags=re.S)
        text = re.sub(r"<[^>]+>", "", page)
        assert not re.search(r"[А-Яа-яё] +[:;,.!?]", re.sub(r"\s+", " ", text)), url


def test_the_deadline_answer_links_to_the_ways_to_pay_on_the_regions_page(client):
    page = client.get("/ru/calculators/deadline/", HUBEI_ON_TIME).content.decode()
    assert 'href="/ru/regions/hubei/#payment-channels"' in page


def test_the_region_index_is_kept_per_content_version_and_a_new_region_shows_on_the_next_request(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calculators.models import Region

    assert 'href="/ru/regions/hubei/"' in client.get("/ru/regions/").content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.get("/ru/regions/")
    assert not [query for query in captured if "calculators_region" in query["sql"]]
    Region.objects.create(slug="hubei-wuhan", name_zh="武汉", name_ru="Ухань", parent=Region.objects.get(slug="hubei"))
    assert 'href="/ru/regions/hubei-wuhan/">Ухань</a>' in client.get("/ru/regions/").content.decode()
    assert 'href="/zh-hans/regions/hubei-wuhan/">武汉</a>' in client.get("/zh-hans/regions/").content.decode()


def test_a_provinces_cities_are_written_once_per_content_version_and_a_new_city_shows_on_the_next_request(
        client, monkeypatch, settings):
    from calculators import views
    from calculators.models import Region

    settings.PORTAL_RESPONSE_CACHE_SECONDS = 0  # every request reaches the view
    assert 'href="/ru/regions/hubei-huanggang/"' in client.get("/ru/regions/hubei/").content.decode()
    written = []
    real = views.region_links
    monkeypatch.setattr(views, "region_links", lambda regions: written.append(1) or real(regions))
    client.get("/ru/regions/hubei/")
    assert written == []  # kept from the first request
    Region.objects.create(slug="hubei-wuhan", name_zh="武汉", name_ru="Ухань", parent=Region.objects.get(slug="hubei"))
    page = client.get("/ru/regions/hubei/").content.decode()
    assert 'href="/ru/regions/hubei-wuhan/">Ухань</a>' in page and 'href="/ru/regions/hubei-huanggang/"' in page
    assert 'href="/zh-hans/regions/hubei-wuhan/">武汉</a>' in client.get("/zh-hans/regions/hubei/").content.decode()
