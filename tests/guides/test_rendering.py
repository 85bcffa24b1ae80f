from guides import embeds
from guides.rendering import plain_text, render


def test_tables_are_rendered():
    html = render("| 地区 | 截止 |\n|---|---|\n| 北京 | 1月31日 |", "zh-hans").html
    assert '<div class="table-scroll" tabindex="0"><table>' in html and "<td>北京</td>" in html


def test_heading_anchors_keep_chinese_text():
    rendered = render("## 怎么缴费\n\n文字", "zh-hans")
    assert rendered.headings[0].anchor == "怎么缴费"
    assert 'id="怎么缴费"' in rendered.html


def test_heading_anchors_keep_cyrillic_text():
    rendered = render("## Как платить взнос\n\n### Через банк", "ru")
    assert rendered.headings[0].anchor == "как-платить-взнос"
    assert rendered.headings[0].children[0].title == "Через банк"


def test_editor_cannot_inject_script():
    html = render('<script>alert(1)</script>\n\n[клик](javascript:alert(1))\n\n<img src=x onerror="alert(1)">', "ru").html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_links_get_safe_rel():
    html = render("[平台](https://example.org/)", "zh-hans").html
    assert 'rel="noopener noreferrer"' in html


def test_unknown_placeholder_shows_a_note_instead_of_failing(settings):
    html = render("前文\n\n[[table:does-not-exist region=beijing]]\n\n后文", "zh-hans").html
    assert "does-not-exist" not in html
    assert 'class="embed-unavailable"' in html
    assert "前文" in html and "后文" in html


def test_placeholder_line_is_replaced_by_registered_embed(monkeypatch):
    calls = []

    def fake_table(params, *, language, as_of):
        calls.append((params, language, as_of))
        return "<table class='live'><tr><td>live</td></tr></table>"

    monkeypatch.setitem(embeds._renderers, "table:test-live", fake_table)
    html = render("## 表\n\n[[table:test-live region=beijing year=2025]]\n", "zh-hans").html
    assert "<table class='live'>" in html
    assert calls == [({"region": "beijing", "year": "2025"}, "zh-hans", None)]


def test_placeholder_inside_text_is_left_as_text():
    html = render("see [[table:test-live]] inline", "ru").html
    assert "[[table:test-live]]" in html


def test_plain_text_drops_markup_and_placeholders():
    assert plain_text("## 标题\n\n**加粗** 文字\n\n[[table:x]]") == "标题 加粗 文字"
