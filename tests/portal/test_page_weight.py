"""What a phone downloads for a guide: at most 50 KB on a first visit (the page, its stylesheets and scripts,
compressed), at most 15 KB on a repeat visit (static files are hashed and kept, so only the page again)."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

FIRST_VISIT = 50 * 1024
REPEAT_VISIT = 15 * 1024
# The longest demo guides, in both languages.
GUIDES = ["/ru/guides/treatment-in-another-region/", "/zh-hans/guides/treatment-in-another-region/",
          "/ru/guides/how-to-pay/", "/zh-hans/guides/how-to-pay/"]


def compressed(data):
    return len(gzip.compress(data, compresslevel=6))


def assets(html):
    """The stylesheets and scripts a page links, as paths under the static files' URL."""
    links = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    links += re.findall(r'<script[^>]+src="([^"]+)"', html)
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    assert all(link.startswith(prefix) for link in links), links
    return [link.removeprefix(prefix) for link in links]


def weight(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = compressed(response.content)
    files = {}
    for name in assets(response.content.decode()):
        found = finders.find(name)
        assert found, name
        with open(found, "rb") as file:
            files[name] = compressed(file.read())
    return page, files


@pytest.mark.parametrize("path", GUIDES)
def test_a_first_visit_to_a_guide_stays_within_fifty_kilobytes(client, demo_content, path):
    page, files = weight(client, path)
    assert page + sum(files.values()) <= FIRST_VISIT, (page, files)
    assert any(name.endswith(".css") for name in files)


@pytest.mark.parametrize("path", GUIDES)
def test_a_repeat_visit_to_a_guide_downloads_at_most_the_page_again(client, demo_content, path):
    page, _files = weight(client, path)
    assert page <= REPEAT_VISIT, page


def test_no_script_holds_up_the_first_paint_of_a_guide(client, demo_content):
    html = client.get(GUIDES[0]).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" defer" in tag or " async" in tag for tag in scripts), scripts
