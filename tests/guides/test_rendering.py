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


def test_contents_list_titles_are_plain_text_escaped_once_by_the_template():
    rendered = render("## Fees & refunds < 100\n\nText", "ru")
    assert rendered.headings[0].title == "Fees & refunds < 100"


def test_an_unclosed_math_or_style_tag_does_not_swallow_the_rest_of_the_guide(monkeypatch):
    monkeypatch.setitem(embeds._renderers, "table:test-live",
                        lambda params, *, language, as_of: "<table class='live'></table>")
    text = "Before\n\n<math><mi>x</mi><style>\n\n## After\n\nThe rest.\n\n[[table:test-live]]\n"
    rendered = render(text, "ru")
    assert "The rest." in rendered.html and "<table class='live'>" in rendered.html
    assert rendered.headings[0].title == "After"
    assert "<style" not in rendered.html and "<math" not in rendered.html
    assert rendered.warnings and "<math>" in rendered.warnings[0] and "<style>" in rendered.warnings[0]


def test_tags_inside_code_are_shown_as_code_without_a_warning():
    rendered = render("Write `<style>` in code.", "ru")
    assert "<code>&lt;style&gt;</code>" in rendered.html and rendered.warnings == []


def test_a_broken_placeholder_is_a_warning_for_the_editor_not_a_log_line(caplog):
    rendered = render("[[table:does-not-exist]]", "ru")
    assert any("does-not-exist" in warning for warning in rendered.warnings)
    assert caplog.records == []
