"""A guide's body is rendered once, when it is saved; its live tables are filled in when it is shown."""

import io

import pytest
from django.core.management import call_command

from guides import prerender, revisions
from guides.models import Guide

pytestmark = pytest.mark.django_db


def test_a_guides_body_and_headings_are_rendered_on_save(make_guide):
    guide = make_guide()
    guide.refresh_from_db()
    assert guide.body_html_zh.startswith('<h2 id="微信缴费">微信缴费</h2>')
    assert "Возьмите паспорт." in guide.body_html_ru
    assert [h["title"] for h in guide.headings_ru] == ["Оплата через WeChat", "Оплата в банке"]
    assert guide.headings_zh[0] == {"level": 2, "anchor": "微信缴费", "title": "微信缴费", "children": []}


def test_a_guide_page_renders_no_markdown_per_request(client, make_guide, monkeypatch):
    make_guide()
    from guides import rendering

    monkeypatch.setattr(rendering.markdown, "Markdown", None)  # any rendering now would fail
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert "Возьмите паспорт." in page and 'href="#оплата-в-банке"' in page


def test_a_missing_translation_stores_the_other_languages_body(make_guide):
    guide = make_guide(body_ru="")
    assert guide.body_html_ru == guide.body_html_zh and guide.headings_ru == guide.headings_zh


def test_a_live_table_in_a_guide_is_kept_as_a_marker_and_drawn_when_shown(client, make_guide, live_table):
    drawn = live_table
    guide = make_guide(body_zh="## 表\n\n[[table:test-live region=hubei]]\n\n以当地通知为准。")
    assert drawn == [] and "PORTALLIVEBLOCK" in guide.body_html_zh
    page = client.get("/zh-hans/guides/how-to-pay/").content.decode()
    assert '<table class="live">hubei 1</table>' in page and "PORTALLIVEBLOCK" not in page


def test_an_editors_script_is_still_removed_from_a_stored_body(make_guide):
    guide = make_guide(body_zh="<script>alert(1)</script>点击[这里](javascript:alert(1))")
    assert "<script" not in guide.body_html_zh and "javascript:" not in guide.body_html_zh


def test_the_stored_body_is_left_out_of_history_and_of_revisions(make_guide):
    guide = make_guide()
    record = guide.history.first()
    assert not hasattr(record, "body_html_zh") and not hasattr(record, "headings_ru")
    assert not set(Guide.revised_fields()) & {"body_html_zh", "body_html_ru", "headings_zh", "headings_ru"}


def test_an_applied_revision_shows_its_new_body_on_the_next_request(client, make_guide):
    from django.contrib.auth import get_user_model

    guide = make_guide()
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    revision = revisions.start(guide, editor)
    revision.body_ru, revision.status = "## Новый раздел\n\nНовый текст.", "published"
    revision.save()
    page = client.get("/ru/guides/how-to-pay/").content.decode()  # the middleware applies it first
    assert "Новый текст." in page and 'href="#новый-раздел"' in page and "Возьмите паспорт." not in page
    guide.refresh_from_db()
    assert guide.body_html_ru == prerender.prerender("## Новый раздел\n\nНовый текст.", "ru")


def test_a_fixture_load_fills_the_stored_body(demo_content):
    for guide in Guide.objects.all():
        assert guide.body_html_zh and guide.body_html_ru, guide.slug
        assert guide.body_html_ru == prerender.prerender(guide.localized("body", "ru").text,
                                                          guide.localized("body", "ru").language)


def test_rebuilding_the_stored_text_restores_a_lost_body(make_guide):
    guide = make_guide()
    Guide.objects.filter(pk=guide.pk).update(body_html_zh="", headings_zh=[])
    call_command("rebuild_stored_text", stdout=io.StringIO())
    guide.refresh_from_db()
    assert "打开微信" in guide.body_html_zh and len(guide.headings_zh) == 2
