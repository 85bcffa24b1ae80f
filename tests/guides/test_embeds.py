"""Live blocks in guide texts: ``[[kind:name key=value]]`` placeholders rendered by the app that owns them."""

import pytest
from django.utils.safestring import SafeString

from guides import embeds


@pytest.fixture
def echo_table(monkeypatch):
    calls = []

    def render(params, *, language, as_of):
        calls.append((params, language, as_of))
        return f"<table data-region='{params.get('region', '')}'></table>"

    monkeypatch.setitem(embeds._renderers, "table:echo", render)
    return calls


def test_a_placeholder_is_parsed_into_kind_name_and_parameters():
    assert embeds.parse("table:payment-windows region=beijing year=2026") == (
        "table", "payment-windows", {"region": "beijing", "year": "2026"})
    assert embeds.parse('table:x note="two words"') == ("table", "x", {"note": "two words"})


def test_a_parameter_without_a_value_is_an_embed_error():
    with pytest.raises(embeds.EmbedError):
        embeds.parse("table:payment-windows beijing")


def test_a_registered_renderer_gets_the_parameters_language_and_moment_and_its_html_is_trusted(echo_table):
    html = embeds.render("table:echo region=hubei", "ru", as_of="2026-12-01")
    assert isinstance(html, SafeString) and "data-region='hubei'" in html
    assert echo_table == [({"region": "hubei"}, "ru", "2026-12-01")]


def test_an_unknown_table_shows_a_note_to_readers_and_tells_the_editor_what_is_wrong():
    warnings = []
    html = embeds.render("table:no-such-table", "zh-hans", warnings=warnings)
    assert 'class="embed-unavailable"' in html and "no-such-table" not in html
    assert len(warnings) == 1 and "[[table:no-such-table]]" in warnings[0] and "unknown embed" in warnings[0]


def test_a_broken_placeholder_does_not_break_the_page_and_is_reported(echo_table):
    warnings = []
    html = embeds.render("table:echo hubei", "ru", warnings=warnings)
    assert 'class="embed-unavailable"' in html and echo_table == []
    assert "key=value" in warnings[0]


def test_a_fact_comes_from_its_provider_and_is_none_when_nobody_provides_it(monkeypatch):
    monkeypatch.setitem(embeds._facts, "answer", lambda **kwargs: 42 + kwargs.get("plus", 0))
    assert embeds.fact("answer", plus=1) == 43
    assert embeds.fact("nobody-provides-this") is None
