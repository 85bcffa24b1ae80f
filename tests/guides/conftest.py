import pytest


@pytest.fixture
def fresh_cache():
    """Search keeps synonyms, registered pages and read counts in the cache: start and end with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
