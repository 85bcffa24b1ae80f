"""Translation parity: missing and out-of-date translations are listed for editors and flagged to readers."""

import pytest
from django.utils import translation

from guides.models import Guide
from core import parity

pytestmark = pytest.mark.django_db


def test_a_missing_russian_text_is_listed(make_guide):
    guide = make_guide(summary_ru="")
    [row] = parity.parity_of([guide], Guide.TRANSLATED_FIELDS)
    assert row.missing == ["ru"] and row.stale == []


def test_changing_the_chinese_marks_the_russian_as_needing_update(make_guide):
    guide = make_guide()
    guide.body_zh += "\n\n新增内容。"
    guide.save()
    [row] = parity.parity_of([guide], Guide.TRANSLATED_FIELDS)
    assert row.stale == ["ru"]


def test_updating_the_russian_too_clears_the_flag(make_guide):
    guide = make_guide()
    guide.body_zh += "\n\n新增内容。"
    guide.save()
    guide.body_ru += "\n\nНовый абзац."
    guide.save()
    assert parity.parity_of([guide], Guide.TRANSLATED_FIELDS)[0].ok


def test_an_editor_can_confirm_the_other_side_is_still_right(make_guide):
    guide = make_guide()
    guide.title_zh = "怎么缴费（修订）"
    guide.save()
    guide._change_reason = parity.CONFIRMED
    guide.save()
    assert parity.parity_of([guide], Guide.TRANSLATED_FIELDS)[0].ok


def test_changing_a_workflow_field_does_not_make_a_translation_stale(make_guide):
    guide = make_guide()
    guide.status = "review"
    guide.save()
    assert parity.parity_of([guide], Guide.TRANSLATED_FIELDS)[0].ok


def test_russian_readers_of_a_stale_translation_see_a_note_with_a_link(client, make_guide):
    guide = make_guide()
    guide.body_zh += "\n\n新增内容。"
    guide.save()
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert 'class="fallback-note"' in page and 'href="/zh-hans/guides/how-to-pay/"' in page
    chinese = client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert 'class="fallback-note"' not in chinese


def test_parity_page_lists_the_stale_guide_for_staff(admin_client, make_guide):
    guide = make_guide()
    guide.body_ru += "\n\nНовый абзац."
    guide.save()
    with translation.override("ru"):
        from django.urls import reverse

        url = reverse("admin-parity")
    page = admin_client.get(url).content.decode()
    assert guide.title_ru in page or guide.title_zh in page
    assert f"/ru/admin/guides/guide/{guide.pk}/change/" in page


def test_parity_page_is_for_staff_only(client):
    response = client.get("/zh-hans/admin/parity/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changing_the_russian_alone_marks_the_chinese(make_guide):
    guide = make_guide()
    guide.title_ru = "Как и где платить взнос"
    guide.save()
    assert parity.parity_of([guide], Guide.TRANSLATED_FIELDS)[0].stale == ["zh-hans"]
