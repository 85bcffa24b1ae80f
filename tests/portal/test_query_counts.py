"""Every public page reads at most five queries, and the same number with 50 times today's guides,
questions, regions and rules (``bench.growth``, the generator the benchmark uses).

Counted once a page's per-version work is done (the rule book, the synonyms, the sitemap are read once per
content version and kept): what a reader's request costs in the steady state.
"""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.endpoints import CALCULATORS, REPRESENTATIONS, SAME
from bench.growth import grow
from calculators.models import Region
from guides.models import FAQ, Guide

pytestmark = pytest.mark.django_db

MAX_QUERIES = 5
SHARED = {name: path for name, path in CALCULATORS.items()}
for placeholder, value in SAME.items():
    SHARED = {name: path.replace(placeholder, value) for name, path in SHARED.items()}

PAGES = [
    ("/ru/", {}), ("/zh-hans/", {}),
    ("/ru/guides/", {}), ("/ru/guides/?topic=pay", {}), ("/ru/guides/treatment-in-another-region/", {}), ("/zh-hans/guides/how-to-pay/", {}),
    ("/ru/faq/", {}), ("/zh-hans/faq/pay/", {}),
    ("/ru/search/?q=" + quote("взнос"), {}), ("/zh-hans/search/?q=" + quote("缴费"), {}),
    ("/ru/regions/", {}), ("/ru/regions/zhejiang/", {}), ("/zh-hans/regions/hubei/", {}),
    ("/ru/calculators/", {}),
    *[(path, headers) for path in SHARED.values() for headers in REPRESENTATIONS.values()],
    ("/ru/calculators/deadline/reminder.ics?region=hubei&status=new", {}),
    ("/ru/calculators/qr.svg?link=" + quote(SHARED["contribution"], safe=""), {}),
    ("/sitemap.xml", {}), ("/sitemap-guides.xml", {}), ("/sitemap-regions.xml", {}), ("/robots.txt", {}),
]


def queries(client, path, headers):
    headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    client.get(path, **headers)  # what is read once per content version is read now
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def counts(client):
    return {f"{path} {headers}".strip(): queries(client, path, headers) for path, headers in PAGES}


def test_every_public_page_reads_at_most_five_queries_however_much_content_there_is(client, demo_content):
    today = counts(client)
    assert max(today.values()) <= MAX_QUERIES, {page: n for page, n in today.items() if n > MAX_QUERIES}
    grow(50)
    assert Guide.objects.count() >= 400 and FAQ.objects.count() >= 1100 and Region.objects.count() >= 600
    assert counts(client) == today


def test_pages_that_list_content_stay_short_at_fifty_times_the_content(client, demo_content):
    grow(50)
    home = client.get("/ru/").content.decode()
    assert len(re.findall(r'href="/ru/guides/[\w-]+/"', home)) == 6 * 5  # five per topic
    assert home.count('href="/ru/guides/?topic=') == 6  # and a link to all of each topic's guides
    faq = client.get("/zh-hans/faq/").content.decode()
    assert faq.count('<article class="faq-item"') <= 6 * 10
