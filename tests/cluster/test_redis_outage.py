"""Redis holds nothing that cannot be lost: with it unreachable the cluster serves every page and takes
feedback and logins; when it is back, the app servers use it again, and nothing kept from before the
outage hides a change published during it."""

import datetime
import secrets

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from deploy.stack import LOOPBACK, free_port, restart_together

pytestmark = pytest.mark.cluster

CALCULATOR = "/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3&cost=50000&date=2025-06-01"


def closed_redis_url(cluster):
    taken = {server.port for server in cluster.app_servers} | {cluster.nginx_port}
    return f"redis://{LOOPBACK}:{free_port(taken)}/0"  # nothing listens there


def test_with_redis_unreachable_every_page_serves_and_nothing_fails(cluster, visitor, live_guide,
                                                                    make_user):
    restart_together(cluster.app_servers, REDIS_URL=closed_redis_url(cluster))
    with translation.override("ru"):
        guide = live_guide.get_absolute_url()
    readers = [visitor(server, source="127.0.0.21") for server in cluster.app_servers] + [visitor()]

    for reader in readers:
        for path in ["/ru/", "/zh-hans/", guide, "/ru/faq/", "/ru/search/?q=взнос", "/ru/calculators/", CALCULATOR,
                     "/ru/regions/", "/sitemap.xml", "/sitemap-guides.xml", "/robots.txt"]:
            assert reader.get(path).status_code == 200, (reader.base_url, path)
        assert reader.get(CALCULATOR, headers={"HX-Request": "true"}).status_code == 200
        assert reader.get(CALCULATOR, headers={"Accept": "application/json"}).json()["fund_pays"] == "34300.00"
        assert reader.post_form(guide, "feedback-form", {"useful": "yes"}).status_code in (200, 302), reader.base_url
        editor = make_user("editors")
        assert reader.log_in(editor.username, editor.raw_password).status_code == 302, reader.base_url


def test_when_redis_is_back_the_nodes_use_it_again(cluster, visitor):
    restart_together(cluster.app_servers, REDIS_URL=closed_redis_url(cluster))
    cluster.redis.empty()
    reader = visitor()
    reader.get(CALCULATOR)
    assert cluster.redis.size() == 0

    restart_together(cluster.app_servers)
    for _ in cluster.app_servers:
        assert reader.get(CALCULATOR).status_code == 200

    assert cluster.redis.size() > 0


def test_a_change_published_while_redis_was_unreachable_shows_once_it_is_back(cluster, visitor):
    from calculators.models import PaymentWindow, Region

    year = timezone.localdate().year + 1
    region = Region.objects.exclude(paymentwindow__coverage_year=year).exclude(slug="national").order_by("-slug")[0]
    answer = f"/ru/calculators/deadline/?region={region.slug}&year={year}&status=continuous"
    reader = visitor()
    for _ in cluster.app_servers:  # both nodes answer (and may keep the answer in Redis)
        assert reader.get(answer, headers={"Accept": "application/json"}).status_code == 200

    closed = closed_redis_url(cluster)
    restart_together(cluster.app_servers, REDIS_URL=closed)
    end = datetime.date(year, 2, 27)
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": closed}}):
        # Published where Redis cannot be reached either, as an editor on one of the nodes would.
        PaymentWindow.objects.create(
            region=region, coverage_year=year, start=datetime.date(year - 1, 10, 1), end=end, status="published",
            source_title=f"Outage notice {secrets.token_hex(3)}", source_issuer="Test bureau",
            checked_on=timezone.localdate(),
        )
    restart_together(cluster.app_servers)

    for _ in cluster.app_servers:
        assert reader.get(answer, headers={"Accept": "application/json"}).json()["window_end"] == end.isoformat()
