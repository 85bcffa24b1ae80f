"""Reader feedback: "Was this page useful? Yes / No" on guides, the FAQ and the calculators."""

import datetime
import re
import time

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from guides import feedback
from guides.models import Feedback

pytestmark = pytest.mark.django_db

SHORTENED = ("Your comment was longer than %(limit)s character, so only the first %(limit)s character were kept.",
             "Your comment was longer than %(limit)s characters, so only the first %(limit)s characters were kept.")


def in_russian(message, count=None):
    """What a Russian reader sees for ``message`` (the pages under /ru/ speak Russian)."""
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    with translation.override("ru"):
        if count is None:
            return gettext(message)
        return ngettext(*message, count) % {"limit": count}


GUIDE_RU = "/ru/guides/how-to-pay/"
UNKNOWN_PAGE_MESSAGE = "We could not tell which page your answer is about. Please go back to the page and try again."
FLOOD_MESSAGE = "You have sent many answers in a short time. Please wait a minute and try again."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def in_language(language, msgid):
    with translation.override(language):
        return gettext(msgid)


def post(client, language="ru", htmx=False, remote_addr="127.0.0.1", **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data.setdefault("form_token", feedback.form_token())
    return client.post(f"/{language}/feedback/", data, REMOTE_ADDR=remote_addr, **headers)


def test_yes_answer_is_stored_with_page_language_and_time(client, guide):
    before = timezone.now()
    response = post(client, page=GUIDE_RU, useful="yes")
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.page, item.page_kind, item.language, item.useful, item.comment) == (
        GUIDE_RU, "guide", "ru", True, "")
    assert before <= item.created_at <= timezone.now()


def test_no_answer_with_a_comment_on_the_chinese_faq_page(client, faq):
    post(client, language="zh-hans", page="/zh-hans/faq/", useful="no", comment="  没说清楚新生儿怎么办。\r\n ")
    item = Feedback.objects.get()
    assert (item.page, item.page_kind, item.language, item.useful, item.comment) == (
        "/zh-hans/faq/", "faq", "zh-hans", False, "没说清楚新生儿怎么办。")


def test_calculator_answer_is_stored_without_the_query_string(client):
    post(client, page="/ru/calculators/deadline/?region=hubei&year=2025&birth_date=2025-01-02", useful="yes")
    item = Feedback.objects.get()
    assert (item.page, item.page_kind, item.language) == ("/ru/calculators/deadline/", "calculator", "ru")


def test_the_language_stored_is_the_language_of_the_page(client, guide):
    post(client, language="zh-hans", page=GUIDE_RU, useful="no")
    assert Feedback.objects.get().language == "ru"


def test_feedback_keeps_no_personal_data():
    assert {field.name for field in Feedback._meta.get_fields()} == {
        "id", "page", "page_kind", "language", "useful", "comment", "created_at"}


def test_flood_counter_keeps_no_client_address_in_the_cache(client, guide):
    post(client, page=GUIDE_RU, useful="yes", remote_addr="203.0.113.7")
    keys = list(caches["default"]._cache)
    assert keys and not any("203.0.113.7" in key for key in keys)


def test_comment_of_10000_characters_is_trimmed_to_1000_with_a_message(client, guide):
    response = post(client, htmx=True, page=GUIDE_RU, useful="no", comment="я" * 10_000)
    assert response.status_code == 200
    assert len(Feedback.objects.get().comment) == 1000
    body = response.content.decode()
    assert in_russian(SHORTENED, 1000) in body
    assert 'class="feedback-note"' in body


def test_trimmed_comment_without_javascript_says_so_on_the_page(client, guide):
    response = post(client, page=GUIDE_RU, useful="no", comment="x" * 10_000)
    assert response.url == "/ru/guides/how-to-pay/?feedback=shortened#feedback"
    page = client.get(response.url).content.decode()
    assert in_russian(SHORTENED, 1000) in page
    assert len(Feedback.objects.get().comment) == 1000


def test_line_breaks_count_as_one_character(client, guide):
    comment = ("a" * 9 + "\r\n") * 100  # 1000 characters as the reader's browser counts them
    response = post(client, htmx=True, page=GUIDE_RU, useful="yes", comment=comment)
    assert "characters were kept" not in response.content.decode()
    assert Feedback.objects.get().comment == ("a" * 9 + "\n") * 99 + "a" * 9


@pytest.mark.parametrize("page", [
    "", "/ru/guides/no-such-guide/", "/ru/search/", "/ru/", "/ru/admin/", "/en/faq/", "/ru/feedback/",
    "https://evil.example/ru/faq/", "//evil.example/ru/faq/", "/\\evil.example/ru/faq/", "x" * 10_000,
])
def test_unknown_or_missing_page_is_refused_with_a_russian_message(client, guide, page):
    response = post(client, htmx=True, page=page, useful="yes")
    assert response.status_code == 400
    assert in_language("ru", UNKNOWN_PAGE_MESSAGE) in response.content.decode()
    assert not Feedback.objects.exists()


def test_post_without_page_field_is_a_400_page_in_russian_without_javascript(client):
    response = client.post("/ru/feedback/", {"useful": "yes", "form_token": feedback.form_token()})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="ru">' in body
    assert in_language("ru", UNKNOWN_PAGE_MESSAGE) in body
    assert 'href="/ru/"' in body  # a way back


@pytest.mark.parametrize("useful", ["", "maybe", "1", "да"])
def test_answer_other_than_yes_or_no_is_refused(client, guide, useful):
    response = post(client, page=GUIDE_RU, useful=useful)
    assert response.status_code == 400
    assert in_language("ru", "Please answer Yes or No.") in response.content.decode()
    assert f'href="{GUIDE_RU}#feedback"' in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_flood_of_posts_is_refused_politely_from_the_sixth_in_a_minute(client, guide):
    statuses = [post(client, page=GUIDE_RU, useful="yes").status_code for _ in range(5)]
    assert statuses == [302] * 5
    response = post(client, htmx=True, page=GUIDE_RU, useful="yes", comment="spam")
    assert response.status_code == 429
    assert in_language("ru", FLOOD_MESSAGE) in response.content.decode()
    assert Feedback.objects.count() == 5


def test_the_flood_limit_is_per_client(client, guide):
    for _ in range(6):
        post(client, page=GUIDE_RU, useful="yes")
    assert post(client, page=GUIDE_RU, useful="yes", remote_addr="198.51.100.2").status_code == 302


def test_the_flood_counter_expires_within_a_minute(client, guide):
    for _ in range(6):
        post(client, page=GUIDE_RU, useful="yes")
    locmem = caches["default"]
    [key] = [key for key in locmem._cache if "feedback-flood" in key]
    assert 0 < locmem._expire_info[key] - time.time() <= 60
    del locmem._cache[key], locmem._expire_info[key]  # what the expiry does
    assert post(client, page=GUIDE_RU, useful="yes").status_code == 302


def test_htmx_post_returns_the_thank_you_box_in_place(client, guide):
    response = post(client, htmx=True, page=GUIDE_RU, useful="yes")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith('<section id="feedback"')
    assert in_russian("Thank you for your answer") in body
    assert "<form" not in body


def test_htmx_error_returns_the_box_with_the_message_and_what_was_typed(client, guide):
    response = post(client, htmx=True, page=GUIDE_RU, useful="perhaps", comment="Мало примеров")
    body = response.content.decode()
    assert response.status_code == 400 and "<html" not in body
    assert 'role="alert"' in body and "Мало примеров</textarea>" in body
    assert f'name="page" value="{GUIDE_RU}"' in body


def test_post_without_javascript_redirects_back_to_the_page_with_thanks(client, guide):
    response = post(client, page=GUIDE_RU, useful="yes")
    assert response.status_code == 302
    assert response.url == "/ru/guides/how-to-pay/?feedback=thanks#feedback"
    page = client.get(response.url).content.decode()
    assert in_russian("Thank you for your answer") in page
    assert 'name="useful"' not in page


def test_calculator_reader_without_javascript_gets_back_to_the_same_answer(client):
    response = post(client, page="/ru/calculators/contribution/?region=national&year=2024&ordinary=2&feedback=thanks",
                    useful="yes")
    assert response.url == "/ru/calculators/contribution/?region=national&year=2024&ordinary=2&feedback=thanks#feedback"


def test_get_on_the_feedback_endpoint_is_405(client):
    assert client.get("/ru/feedback/").status_code == 405


FORGED_MESSAGE = "This form is too old or was not sent from this site. Please reload the page and answer again."


@pytest.mark.parametrize("token", ["", "forged", feedback.form_token(datetime.date(2000, 1, 1))])
def test_post_without_a_valid_recent_form_token_is_refused(guide, token):
    response = post(Client(enforce_csrf_checks=True), htmx=True, page=GUIDE_RU, useful="yes", form_token=token)
    assert response.status_code == 403
    assert in_language("ru", FORGED_MESSAGE) in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("header", [{"HTTP_ORIGIN": "https://evil.example"},
                                    {"HTTP_REFERER": "https://evil.example/ru/guides/how-to-pay/"}])
def test_post_from_another_site_is_refused_even_with_a_token(guide, header):
    response = Client(enforce_csrf_checks=True).post("/ru/feedback/", {
        "page": GUIDE_RU, "useful": "yes", "form_token": feedback.form_token()}, **header)
    assert response.status_code == 403 and not Feedback.objects.exists()


def test_post_from_this_site_needs_no_csrf_cookie(guide):
    response = Client(enforce_csrf_checks=True).post("/ru/feedback/", {
        "page": GUIDE_RU, "useful": "yes", "form_token": feedback.form_token()}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302 and Feedback.objects.count() == 1


def test_the_form_token_is_the_same_all_day_so_cached_pages_stay_identical():
    assert feedback.form_token() == feedback.form_token()


def test_the_feedback_url_is_named_and_language_prefixed():
    with translation.override("ru"):
        assert reverse("guides:feedback") == "/ru/feedback/"


def feedback_box(page):
    assert page.count('id="feedback"') == 1
    return page[page.index('<section id="feedback"'):]


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_guide_page_asks_once_with_a_protected_form_and_no_cookie(client, guide, language):
    page = client.get(f"/{language}/guides/how-to-pay/").content.decode()
    box = feedback_box(page)
    assert 'aria-labelledby="feedback-title"' in box
    assert f'action="/{language}/feedback/"' in box and f'hx-post="/{language}/feedback/"' in box
    assert 'name="form_token"' in box and 'name="csrfmiddlewaretoken"' not in box
    assert not client.cookies
    assert f'name="page" value="/{language}/guides/how-to-pay/"' in box
    assert '<button type="submit" name="useful" value="yes">' in box
    assert '<button type="submit" name="useful" value="no">' in box
    assert '<label for="feedback-comment">' in box and 'maxlength="1000"' in box
    assert page.index('id="sources-title"') < page.index('id="feedback"')


def test_faq_page_asks_once(client, faq):
    feedback_box(client.get("/ru/faq/").content.decode())


@pytest.mark.parametrize("name", ["reimbursement", "deadline", "contribution"])
def test_calculator_page_asks_once_outside_the_form_and_the_result(client, name):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    page = client.get(f"/ru/calculators/{name}/").content.decode()
    feedback_box(page)
    assert page.index('id="result"') < page.index('id="feedback"')
    assert re.search(r'<div id="result".*?id="feedback"', page, re.S)
    assert "</form>" in page[page.index('class="calculator-form"'):page.index('id="feedback"')]


def test_htmx_update_of_a_calculator_does_not_repeat_the_feedback_box(client):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    body = client.get("/ru/calculators/contribution/", {"region": "national", "year": "2024", "ordinary": "1"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'id="feedback"' not in body


@pytest.fixture
def answers():
    now = timezone.now()
    Feedback.objects.create(page="/ru/faq/", page_kind="faq", language="ru", useful=False,
                            comment="Нет ответа про студентов", created_at=now)
    Feedback.objects.create(page="/zh-hans/faq/", page_kind="faq", language="zh-hans", useful=True,
                            comment="很有用", created_at=now - datetime.timedelta(days=40))


def test_admin_changelist_filters_by_language(admin_client, answers):
    url = reverse("admin:guides_feedback_changelist")
    page = admin_client.get(url, {"language__exact": "ru"}).content.decode()
    assert "Нет ответа про студентов" in page
    assert "很有用" not in page


def test_admin_changelist_filters_by_page_and_lists_each_page(admin_client, answers):
    url = reverse("admin:guides_feedback_changelist")
    everything = admin_client.get(url).content.decode()
    assert "/ru/faq/ (1)" in everything and "/zh-hans/faq/ (1)" in everything
    page = admin_client.get(url, {"page": "/zh-hans/faq/"}).content.decode()
    assert "很有用" in page and "Нет ответа про студентов" not in page


def test_admin_searches_comments(admin_client, answers):
    page = admin_client.get(reverse("admin:guides_feedback_changelist"), {"q": "студентов"}).content.decode()
    assert "Нет ответа про студентов" in page and "很有用" not in page


def test_feedback_is_read_only_in_admin_but_spam_can_be_deleted(admin_client, answers):
    item = Feedback.objects.get(language="ru")
    assert admin_client.get(reverse("admin:guides_feedback_add")).status_code == 403
    change_url = reverse("admin:guides_feedback_change", args=[item.pk])
    assert admin_client.post(change_url, {"comment": "edited"}).status_code == 403
    assert Feedback.objects.get(pk=item.pk).comment == "Нет ответа про студентов"
    response = admin_client.post(reverse("admin:guides_feedback_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Feedback.objects.filter(pk=item.pk).exists()


def test_feedback_for_a_draft_guide_is_refused_exactly_like_an_unknown_page(client, make_guide):
    make_guide(slug="secret-draft", status="draft")
    draft = post(client, page="/ru/guides/secret-draft/", useful="yes")
    unknown = post(client, page="/ru/guides/nonexistent1/", useful="yes")
    assert (draft.status_code, draft.content) == (unknown.status_code, unknown.content)
    assert draft.status_code == 400 and not Feedback.objects.exists()
