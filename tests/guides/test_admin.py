"""Review that cannot be bypassed: through the admin, as an editor (and where it matters, a reviewer), live
guides and questions change only through review, and nothing live is deleted without a trace."""

import pytest
from django.urls import reverse
from django.utils import translation

from guides.models import Guide
from tests.guides.test_workflow import change_url, guide_form
from tests.guides.test_workflow import user as member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(member("editor", "editors"))
    return client


@pytest.fixture
def reviewer_client(client):
    client.force_login(member("reviewer", "reviewers"))
    return client


def admin_url(name, *args):
    with translation.override("zh-hans"):
        return reverse(f"admin:{name}", args=args)


def with_sources(data, guide, *rows):
    """The change form's data with the sources inline holding ``rows`` ((id or None, title), ...)."""
    existing = sum(1 for source_id, _title in rows if source_id)
    data.update({"sources-TOTAL_FORMS": len(rows), "sources-INITIAL_FORMS": existing})
    for index, (source_id, title) in enumerate(rows):
        data.update({f"sources-{index}-id": source_id or "", f"sources-{index}-guide": guide.pk,
                     f"sources-{index}-order": index + 1, f"sources-{index}-title": title,
                     f"sources-{index}-title_ru": "Новый источник", f"sources-{index}-issuer_zh": "测试",
                     f"sources-{index}-issuer_ru": "тест"})
    return data


@pytest.mark.parametrize("who", ["editor_client", "reviewer_client"])
def test_nobody_edits_or_adds_a_live_guides_sources_inline(request, guide, who):
    client = request.getfixturevalue(who)
    source = guide.sources.get()
    page = client.get(change_url(guide)).content.decode()
    assert 'name="sources-0-title"' not in page  # shown, not offered for editing
    client.post(change_url(guide), with_sources(guide_form(guide), guide, (source.pk, "篡改的来源"), (None, "新来源")))
    assert list(guide.sources.values_list("title", flat=True)) == [source.title]


def test_a_draft_guides_sources_are_edited_inline(editor_client, make_guide):
    guide = make_guide(status="draft")
    response = editor_client.post(change_url(guide), with_sources(guide_form(guide), guide, (None, "新来源")))
    assert response.status_code == 302
    assert list(guide.sources.values_list("title", flat=True)) == ["新来源"]


@pytest.mark.parametrize("who", ["editor_client", "reviewer_client"])
def test_nobody_deletes_a_live_guide_from_its_page(request, guide, who):
    client = request.getfixturevalue(who)
    response = client.post(admin_url("guides_guide_delete", guide.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Guide.objects.filter(pk=guide.pk).exists()


def test_an_editor_cannot_delete_a_live_guide_or_question_from_the_list(editor_client, guide, faq):
    for model, obj in [("guide", guide), ("faq", faq)]:
        response = editor_client.post(admin_url(f"guides_{model}_changelist"), {
            "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert response.status_code in (200, 403)
        assert type(obj).objects.filter(pk=obj.pk).exists(), model


def test_an_editor_cannot_take_a_live_guide_offline_by_changing_its_status(editor_client, guide):
    editor_client.post(change_url(guide), guide_form(guide, status="draft"))
    guide.refresh_from_db()
    assert guide.status == "published"


def test_withdrawing_is_a_reviewers_change_recorded_in_history_then_the_draft_can_go(reviewer_client, guide):
    response = reviewer_client.post(change_url(guide), guide_form(guide, status="draft"))
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.status == "draft" and not Guide.objects.published().exists()
    latest = guide.history.order_by("-history_date", "-history_id").first()
    assert latest.status == "draft" and latest.history_user.username == "reviewer"
    assert reviewer_client.post(admin_url("guides_guide_delete", guide.pk), {"post": "yes"}).status_code == 302
    assert not Guide.objects.filter(pk=guide.pk).exists()
    assert Guide.history.filter(id=guide.pk, history_type="-").exists()


def test_an_editor_deletes_their_own_draft(editor_client, make_guide):
    draft = make_guide(slug="draft-guide", status="draft")
    assert editor_client.post(admin_url("guides_guide_delete", draft.pk), {"post": "yes"}).status_code == 302
    assert not Guide.objects.filter(pk=draft.pk).exists()


def test_live_questions_are_not_reordered_from_the_list_without_review(editor_client, faq):
    listing = editor_client.get(admin_url("guides_faq_changelist")).content.decode()
    assert 'name="form-0-order"' not in listing


def test_a_saved_guide_with_a_broken_placeholder_warns_the_editor_once(editor_client, make_guide):
    guide = make_guide(status="draft")
    response = editor_client.post(change_url(guide), guide_form(guide, body_ru="[[table:no-such-table]]"), follow=True)
    assert any("no-such-table" in str(message) for message in response.context["messages"])
