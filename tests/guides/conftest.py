import pytest


@pytest.fixture
def fresh_cache():
    """Search keeps synonyms, registered pages and read counts in the cache: start and end with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live_table(monkeypatch):
    """A live-table embed ``[[table:test-live region=…]]`` that records each drawing: the list it returns
    holds the language of every table drawn so far, and each table shows its region and drawing number."""
    from guides import embeds

    drawn = []

    def table(params, language, as_of=None):
        drawn.append(language)
        return f'<table class="live">{params["region"]} {len(drawn)}</table>'

    monkeypatch.setitem(embeds._renderers, "table:test-live", table)
    return drawn
