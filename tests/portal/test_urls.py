"""No 5xx from anything a visitor sends: generated query strings, headers and form posts at every public URL,
in both languages. Hypothesis draws the requests; the sizes keep the whole run to a few hundred requests."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guides import feedback

pytestmark = pytest.mark.django_db

PAGES = ["", "guides/", "guides/how-to-pay-online/", "guides/no-such-guide/", "faq/", "search/", "calculators/",
         "calculators/reimbursement/", "calculators/deadline/", "calculators/deadline/reminder.ics",
         "calculators/contribution/", "regions/", "regions/zhejiang-lishui/", "regions/nowhere/", "feedback/",
         "admin/login/", "no-such-page/"]
URLS = [f"/{language}/{page}" for language in ("zh-hans", "ru") for page in PAGES] + [
    "/", "/sitemap.xml", "/sitemap-guides.xml", "/robots.txt", "/healthz", "/static/css/site.css", "/nope"]
# Real parameter names and values as well as junk, so that generated requests reach past the first validation.
NAMES = ["q", "region", "year", "scheme", "status", "tier", "visit", "level", "cost", "paid_this_year", "date",
         "group", "signed", "mountain", "paid_on", "gap_years", "repaid_years", "birth_date", "ordinary",
         "low_income", "student", "as_of", "feedback", "page", "useful", "comment", "form_token"]
VALUES = ["beijing", "hubei", "zhejiang-lishui", "national", "2024", "2025", "2026", "1900", "99999", "-1", "0",
          "1e9", "NaN", "50000", "2025-06-01", "2025-02-30", "resident", "employee", "retired", "working",
          "inpatient", "outpatient", "level3", "grassroots", "continuous", "new", "lapsed", "newborn", "ordinary",
          "yes", "no", "1", "/ru/faq/", "/ru/guides/how-to-pay-online/"]
junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
# What a WSGI server hands over as a header: bytes read as Latin-1, without line breaks or other controls.
header_junk = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=60)
params = st.lists(st.tuples(st.sampled_from(NAMES) | junk, st.sampled_from(VALUES) | junk
                            | st.text(max_size=3000)), max_size=8)
headers = st.fixed_dictionaries({}, optional={
    "Accept": st.sampled_from(["application/json", "text/html", "*/*", "text/calendar", "application/json, text/html"])
    | header_junk,
    "Accept-Language": st.sampled_from(["ru", "zh-CN,zh;q=0.9", "en", "*", "ru;q=x"]) | header_junk,
    "HX-Request": st.sampled_from(["true", "false"]) | header_junk,
    "Origin": st.sampled_from(["http://testserver", "https://evil.example", "null"]) | header_junk,
    "Referer": header_junk,
    "User-Agent": header_junk,
    "Cookie": st.sampled_from(["sessionid=x", "csrftoken=" + "a" * 32, "django_language=ru"]) | header_junk,
})


@pytest.fixture
def site(demo_content):
    return Client(raise_request_exception=False)


def send(client, method, url, data, header_values):
    client.cookies.clear()
    cookie = header_values.pop("Cookie", None)
    if cookie and "=" in cookie:
        name, _, value = cookie.partition("=")
        try:
            client.cookies[name.strip() or "x"] = value
        except Exception:  # a name the cookie jar itself refuses never reaches the site
            pass
    return client.generic(method, url, data, headers=header_values) if isinstance(data, (bytes, str)) else (
        getattr(client, method.lower())(url, data, headers=header_values))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(url=st.sampled_from(URLS), query=params, header_values=headers)
def test_no_generated_get_is_a_server_error(site, url, query, header_values):
    from urllib.parse import urlencode

    response = send(site, "GET", f"{url}?{urlencode(query)}", {}, dict(header_values))
    assert response.status_code < 500, (url, query, header_values)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(url=st.sampled_from(URLS), form=st.dictionaries(st.sampled_from(NAMES) | junk, st.sampled_from(VALUES) | junk,
                                                       max_size=6),
       raw=st.none() | st.binary(max_size=500), content_type=st.sampled_from([
           "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
           "application/json", "text/plain"]), header_values=headers, with_token=st.booleans())
def test_no_generated_post_is_a_server_error(site, url, form, raw, content_type, header_values, with_token):
    if with_token:
        form["form_token"] = feedback.form_token()
    if raw is not None:
        response = site.generic("POST", url, raw, content_type=content_type, headers=dict(header_values))
    else:
        response = send(site, "POST", url, form, dict(header_values))
    assert response.status_code < 500, (url, form, raw, header_values)


def test_deadline_with_a_lapsed_status_and_no_gap_years_is_not_a_server_error(site):
    """Issue 8's second case. The calculators' forms are being reworked (issue 7); this fails until that lands."""
    for answer in ("", "?gap_years=0"):
        response = site.get(f"/ru/calculators/deadline/?region=hubei&year=2025&status=lapsed{answer}")
        assert response.status_code == 200
