"""Guides and FAQs go draft -> in review -> published, by two different people, live from a chosen moment."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from guides.models import FAQ, Guide

pytestmark = pytest.mark.django_db


def user(name, group):
    person = get_user_model().objects.create_user(name, password="pw", is_staff=True)
    person.groups.add(Group.objects.get(name=group))
    return person


@pytest.fixture
def editor():
    return user("editor", "editors")


@pytest.fixture
def reviewer():
    return user("reviewer", "reviewers")


def guide_form(guide, **changes):
    data = {
        "slug": guide.slug, "topic": guide.topic_id, "order": guide.order,
        "published_on": guide.published_on.isoformat(), "updated_on": guide.updated_on.isoformat(),
        "policy_year": guide.policy_year, "status": guide.status, "publish_at_0": "", "publish_at_1": "",
        "is_major_change": "", "change_note_zh": "", "change_note_ru": "",
        "title_zh": guide.title_zh, "title_ru": guide.title_ru, "summary_zh": guide.summary_zh,
        "summary_ru": guide.summary_ru, "body_zh": guide.body_zh, "body_ru": guide.body_ru,
        "seen_version": guide.version,
        # Fields with a callable default post their initial value too, as the admin page does.
        "initial-published_on": guide.published_on.isoformat(), "initial-updated_on": guide.updated_on.isoformat(),
        "sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0, "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def change_url(guide):
    with translation.override("zh-hans"):
        return reverse("admin:guides_guide_change", args=[guide.pk])


def test_roles_exist_with_the_right_powers():
    editors, reviewers = Group.objects.get(name="editors"), Group.objects.get(name="reviewers")
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    reviewer_perms = set(reviewers.permissions.values_list("codename", flat=True))
    assert {"change_guide", "add_faq", "change_topic"} <= editor_perms
    assert "publish_guide" not in editor_perms and "publish_guide" in reviewer_perms
    assert not any(p.endswith("_user") or p.endswith("_group") for p in reviewer_perms)


def test_editor_can_send_for_review_but_not_publish(client, editor, make_guide):
    guide = make_guide(status="draft")
    client.force_login(editor)
    response = client.post(change_url(guide), guide_form(guide, status="published"))
    assert response.status_code == 200  # refused: "published" is not a choice for an editor
    guide.refresh_from_db()
    assert guide.status == "draft"
    response = client.post(change_url(guide), guide_form(guide, status="review", title_zh="改后的标题"))
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.status == "review" and guide.last_author == editor


def test_reviewer_cannot_publish_their_own_change(client, reviewer, make_guide):
    guide = make_guide(status="review")
    client.force_login(reviewer)
    response = client.post(change_url(guide), guide_form(guide, status="published", title_zh="我自己改的"))
    assert response.status_code == 200
    assert "someone else must publish it" in response.content.decode() or "必须由另一位" in response.content.decode() \
        or response.context["adminform"].form.errors
    guide.refresh_from_db()
    assert guide.status == "review"


def test_reviewer_publishes_an_editors_change_at_a_chosen_time(client, editor, reviewer, make_guide):
    guide = make_guide(status="review", last_author=editor)
    client.force_login(reviewer)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(change_url(guide), guide_form(
        guide, status="published", publish_at_0=tomorrow.date().isoformat(), publish_at_1="08:00:00"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    guide.refresh_from_db()
    assert guide.status == "published" and guide.last_author == editor
    live_from = timezone.make_aware(datetime.datetime.combine(tomorrow.date(), datetime.time(8, 0)))
    assert guide.publish_at == live_from
    assert not Guide.objects.published(at=live_from - datetime.timedelta(minutes=1)).filter(pk=guide.pk).exists()
    assert Guide.objects.published(at=live_from + datetime.timedelta(minutes=1)).filter(pk=guide.pk).exists()


def test_guide_goes_live_by_itself_at_publish_at(client, make_guide):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    make_guide(publish_at=soon)
    assert client.get("/zh-hans/guides/how-to-pay/").status_code == 404
    assert Guide.objects.published(at=soon).count() == 1


def test_second_editor_is_told_the_page_changed_and_nothing_is_lost(client, editor, make_guide):
    guide = make_guide(status="draft")
    opened = guide_form(guide)  # both editors open version 1
    client.force_login(editor)
    assert client.post(change_url(guide), {**opened, "title_zh": "第一位编辑"}).status_code == 302
    response = client.post(change_url(guide), {**opened, "title_zh": "第二位编辑"})
    assert response.status_code == 200
    guide.refresh_from_db()
    assert guide.title_zh == "第一位编辑"


def test_major_change_needs_a_note(client, editor, make_guide):
    guide = make_guide(status="draft")
    client.force_login(editor)
    response = client.post(change_url(guide), guide_form(guide, is_major_change="on"))
    assert response.status_code == 200
    assert "change_note_zh" in response.context["adminform"].form.errors


def test_readers_see_the_change_notes_of_published_major_changes(client, editor, reviewer, make_guide):
    guide = make_guide(status="draft")
    client.force_login(editor)
    client.post(change_url(guide), guide_form(guide, status="review", is_major_change="on",
                                             change_note_zh="2026年缴费标准更新", change_note_ru="Обновлён размер взноса на 2026 год",
                                             body_zh=guide.body_zh + "\n\n新增一段。"))
    guide.refresh_from_db()
    assert client.get("/ru/guides/how-to-pay/").status_code == 404 or "Обновлён" not in client.get(
        "/ru/guides/how-to-pay/").content.decode()
    client.force_login(reviewer)
    response = client.post(change_url(guide), guide_form(guide, status="published", is_major_change="on",
                                                        change_note_zh=guide.change_note_zh,
                                                        change_note_ru=guide.change_note_ru))
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()
    response = client.get("/ru/guides/how-to-pay/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<details class="change-notes">' in page and "Обновлён размер взноса на 2026 год" in page


def test_draft_faq_is_not_shown_to_readers(client, make_faq):
    make_faq(status="draft", question_zh="草稿问题")
    assert "草稿问题" not in client.get("/zh-hans/faq/").content.decode()
    assert FAQ.objects.published().count() == 0


def test_markdown_preview_renders_what_readers_will_see(admin_client):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    with translation.override("ru"):
        url = reverse("admin:guides_guide_preview")
    body = "## Сроки\n\n[[table:payment-windows region=hubei]]\n\n<script>alert(1)</script>"
    response = admin_client.post(url, {"language": "ru", "body_ru": body})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="policy-table"' in html and "2025-02-28" in html
    assert "<script>" not in html


def test_markdown_preview_is_for_staff_only(client):
    response = client.post("/ru/admin/guides/guide/preview/", {"language": "ru", "body_ru": "x"})
    assert response.status_code == 302


def test_a_live_guide_cannot_be_changed_in_place_even_by_a_reviewer(client, reviewer, make_guide):
    guide = make_guide(status="published")
    client.force_login(reviewer)
    response = client.post(change_url(guide), guide_form(guide, title_zh="直接改上线内容"))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    guide.refresh_from_db()
    assert guide.title_zh == "怎么缴费"


@pytest.mark.parametrize("model", ["guide", "faq"])
@pytest.mark.parametrize("query", ["", "?translation=missing_ru", "?translation=missing_zh"])
def test_admin_lists_open_with_and_without_the_translation_filter(admin_client, guide, faq, model, query):
    url = admin_url_for(f"admin:guides_{model}_changelist") + query
    assert admin_client.get(url).status_code == 200


def test_topic_list_opens(admin_client, topic):
    assert admin_client.get(admin_url_for("admin:guides_topic_changelist")).status_code == 200


def admin_url_for(name):
    with translation.override("ru"):
        return reverse(name)
