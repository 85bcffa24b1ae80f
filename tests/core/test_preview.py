"""Staff preview the calculators and regional tables "as of" a future date; the public never can.

Rules are published ahead of time with a ``publish_at`` a month from today, for the next coverage
year, so these tests hold whatever day they run on.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext

from calculators import rules, tables
from calculators.models import ContributionStandard, PaymentWindow, PopulationGroup, Region, ReimbursementRule
from core.preview import preview_moment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GOES_LIVE = TODAY + datetime.timedelta(days=30)
NEXT_YEAR = GOES_LIVE.year + 1  # the coverage year whose rules are entered ahead of time
SOURCE = {"source_title": "测试来源", "source_issuer": "测试", "checked_on": datetime.date(2026, 11, 22)}
BANNER = "Preview: rules as they will be on %(date)s"


def start_of(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=rules.CHINA)


@pytest.fixture(autouse=True)
def policy_rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("staff", "staff@example.org", "a-long-test-password",
                                                is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def public_client():
    from django.test import Client

    return Client()


@pytest.fixture
def next_year_contributions():
    """National standard in force for next year; Zhejiang's own published to go live in a month."""
    ordinary = PopulationGroup.objects.get(slug="ordinary")
    for slug, individual, publish_at in (("national", "400", None), ("zhejiang", "420", start_of(GOES_LIVE))):
        row = ContributionStandard(region=Region.objects.get(slug=slug), coverage_year=NEXT_YEAR,
                                   group=ordinary, individual=Decimal(individual), subsidy=Decimal("700"),
                                   status="published", publish_at=publish_at, **SOURCE)
        row.full_clean()
        row.save()


FAMILY = {"region": "zhejiang", "year": str(NEXT_YEAR), "ordinary": "1"}


def get_json(client, path, params):
    response = client.get(path, params, HTTP_ACCEPT="application/json")
    return response, json.loads(response.content)


def banner(language, day):
    from django.utils.formats import date_format

    with translation.override(language):
        return gettext(BANNER) % {"date": date_format(day, "DATE_FORMAT")}


def shown_money(language, amount):
    from calculators.formats import money

    with translation.override(language):
        return money(amount)


# --- the moment ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("is_staff,as_of,expected", [
    (True, "2027-01-01", datetime.datetime(2027, 1, 1, tzinfo=rules.CHINA)),
    (False, "2027-01-01", None),
    (True, "", None),
    (True, "2027-02-30", None),
    (True, "01/01/2027", None),
    (True, "1850-01-01", None),
])
def test_preview_moment_is_the_start_of_the_day_in_china_for_staff_only(is_staff, as_of, expected):
    request = RequestFactory().get("/ru/calculators/contribution/", {"as_of": as_of} if as_of else {})
    request.user = get_user_model()(username="someone", is_staff=is_staff)
    moment = preview_moment(request)
    assert moment == expected
    if moment is not None:
        assert moment.utcoffset() == datetime.timedelta(hours=8)


# --- calculators ----------------------------------------------------------------------------------------


def test_a_rule_published_for_later_is_used_in_a_staff_preview_from_that_day_only(staff_client,
                                                                                   next_year_contributions):
    day_before = GOES_LIVE - datetime.timedelta(days=1)
    _response, before = get_json(staff_client, "/ru/calculators/contribution/",
                                 {**FAMILY, "as_of": day_before.isoformat()})
    response, after = get_json(staff_client, "/ru/calculators/contribution/",
                               {**FAMILY, "as_of": GOES_LIVE.isoformat()})
    assert (before["region_used"], before["total_individual"]) == ("national", "400.00")
    assert (after["region_used"], after["total_individual"]) == ("zhejiang", "420.00")
    assert after["preview_as_of"] == after["rules_as_of"] == GOES_LIVE.isoformat()
    assert "private" in response["Cache-Control"]


def test_the_public_cannot_preview_with_as_of_and_the_answer_is_unchanged(public_client,
                                                                           next_year_contributions):
    _response, plain = get_json(public_client, "/ru/calculators/contribution/", FAMILY)
    response, with_as_of = get_json(public_client, "/ru/calculators/contribution/",
                                    {**FAMILY, "as_of": GOES_LIVE.isoformat()})
    assert response.status_code == 200
    assert with_as_of == plain
    assert (plain["region_used"], plain["total_individual"]) == ("national", "400.00")
    assert "preview_as_of" not in with_as_of
    page = public_client.get("/ru/calculators/contribution/", {**FAMILY, "as_of": GOES_LIVE.isoformat()})
    text = page.content.decode()
    assert 'class="preview-banner"' not in text and 'name="as_of"' not in text


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_staff_preview_shows_the_banner_and_the_future_answer(staff_client, next_year_contributions,
                                                               language):
    page = staff_client.get(f"/{language}/calculators/contribution/",
                            {**FAMILY, "as_of": GOES_LIVE.isoformat()})
    text = page.content.decode()
    assert f'<p class="preview-banner" role="status">{banner(language, GOES_LIVE)}</p>' in text
    assert shown_money(language, 420) in text
    # The form keeps the preview date, so changing an answer stays in the preview.
    assert f'<input type="hidden" name="as_of" value="{GOES_LIVE.isoformat()}">' in text
    assert 'class="preview-banner"' not in staff_client.get(f"/{language}/calculators/contribution/",
                                                            FAMILY).content.decode()


def test_a_staff_preview_takes_its_date_as_today_for_the_treatment_date(staff_client, public_client):
    rule = ReimbursementRule(region=Region.objects.get(slug="zhejiang-lishui"), coverage_year=GOES_LIVE.year,
                             scheme="resident", visit="inpatient", level="level3", deductible=Decimal("500"),
                             status="published", publish_at=start_of(GOES_LIVE), **SOURCE)
    rule.save_with_bands([(0, None, 80)])
    params = {"region": "zhejiang-lishui", "cost": "50000", "as_of": GOES_LIVE.isoformat()}
    response, data = get_json(staff_client, "/zh-hans/calculators/reimbursement/", params)
    assert response.status_code == 200, data
    assert data["fund_pays"] == "39600.00"  # (50,000 - 500) x 80%
    assert data["rules_as_of"] == GOES_LIVE.isoformat()
    response, data = get_json(public_client, "/zh-hans/calculators/reimbursement/", params)
    assert response.status_code == 400 or data["fund_pays"] != "39600.00"


def test_a_staff_preview_takes_its_date_as_today_for_the_payment_date(staff_client, public_client):
    window = PaymentWindow(region=Region.objects.get(slug="national"), coverage_year=NEXT_YEAR,
                           start=datetime.date(NEXT_YEAR - 1, 1, 1), end=datetime.date(NEXT_YEAR - 1, 12, 31),
                           status="published", publish_at=start_of(GOES_LIVE), **SOURCE)
    window.full_clean()
    window.save()
    params = {"region": "hubei", "year": str(NEXT_YEAR), "as_of": GOES_LIVE.isoformat()}
    response, data = get_json(staff_client, "/ru/calculators/deadline/", params)
    assert response.status_code == 200, data
    assert data["status"] == "open"
    assert data["days_left"] == (window.end - GOES_LIVE).days
    assert data["rules_as_of"] == GOES_LIVE.isoformat()
    # The public does not see the window before it is published: only the usual national period.
    response, data = get_json(public_client, "/ru/calculators/deadline/", params)
    assert response.status_code == 200 and data["typical_window"] is True
    assert data["window_start"] != window.start.isoformat()


def test_a_draft_rule_is_never_used_by_the_public_nor_in_a_preview(staff_client, public_client):
    draft = ReimbursementRule(region=Region.objects.get(slug="zhejiang-lishui"), coverage_year=2025,
                              scheme="resident", visit="inpatient", level="level3", deductible=Decimal("0"),
                              status="draft", **SOURCE)
    draft.save_with_bands([(0, None, 90)])
    params = {"region": "zhejiang-lishui", "visit": "inpatient", "level": "level3", "cost": "50000",
              "date": "2025-06-01"}
    assert get_json(public_client, "/ru/calculators/reimbursement/", params)[1]["fund_pays"] == "34300.00"
    _response, preview = get_json(staff_client, "/ru/calculators/reimbursement/",
                                  {**params, "as_of": "2100-01-01"})
    assert preview["fund_pays"] == "34300.00"


def test_the_region_only_link_of_a_preview_still_just_prefills_the_form(staff_client):
    page = staff_client.get("/zh-hans/calculators/reimbursement/",
                            {"region": "anhui", "as_of": GOES_LIVE.isoformat()}).content.decode()
    assert 'class="error-summary"' not in page and '<option value="anhui" selected>' in page


# --- tables -------------------------------------------------------------------------------------------------


def test_staff_preview_the_region_page_as_it_will_be(staff_client, public_client, next_year_contributions):
    url = "/ru/regions/zhejiang/"
    preview = staff_client.get(url, {"as_of": GOES_LIVE.isoformat()}).content.decode()
    assert banner("ru", GOES_LIVE) in preview
    assert shown_money("ru", 420) in preview
    assert f"as_of={GOES_LIVE.isoformat()}" in preview  # the calculator links keep the preview
    public = public_client.get(url, {"as_of": GOES_LIVE.isoformat()}).content.decode()
    assert shown_money("ru", 420) not in public and 'class="preview-banner"' not in public


def test_tables_and_guide_embeds_show_the_rules_of_the_moment_asked(next_year_contributions):
    from guides.rendering import render

    zhejiang = Region.objects.get(slug="zhejiang")
    assert "¥420.00" not in tables.render_table("contributions", zhejiang)
    assert "¥420.00" in tables.render_table("contributions", zhejiang, at=GOES_LIVE)
    assert "¥420.00" in tables.render_table("contributions", zhejiang, at=start_of(GOES_LIVE))
    with rules.viewing(at=GOES_LIVE):  # without ``at`` a table keeps the moment around it
        assert "¥420.00" in tables.render_table("contributions", zhejiang)
    spec = "[[table:contributions region=zhejiang]]"
    assert "¥420.00" not in render(spec, "ru").html
    assert "¥420.00" in render(spec, "ru", as_of=start_of(GOES_LIVE)).html
    assert "¥420.00" in render(spec, "ru", as_of=GOES_LIVE).html


def test_guide_tables_preview_as_of_a_date_for_staff_only(staff_client, public_client, next_year_contributions):
    from guides.models import Guide, Topic

    topic = Topic.objects.create(slug="pay", name_zh="缴费", name_ru="Взносы")
    Guide.objects.create(slug="fees", topic=topic, title_zh="缴费标准", title_ru="Взносы", policy_year=NEXT_YEAR,
                         status="published", body_zh=f"## 表\n\n[[table:contributions region=zhejiang year={NEXT_YEAR}]]",
                         body_ru=f"## Таблица\n\n[[table:contributions region=zhejiang year={NEXT_YEAR}]]")
    later = (GOES_LIVE + datetime.timedelta(days=1)).isoformat()
    assert shown_money("ru", 420) not in public_client.get("/ru/guides/fees/", {"as_of": later}).content.decode()
    page = staff_client.get("/ru/guides/fees/", {"as_of": later}).content.decode()
    assert shown_money("ru", 420) in page and 'class="preview-banner"' in page
    assert shown_money("ru", 420) not in staff_client.get("/ru/guides/fees/").content.decode()
