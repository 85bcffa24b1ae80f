"""No reader sees a failure when an app server dies or when the app servers are restarted one by one.

nginx retries an idempotent request that a server refused, reset or dropped on another server
(deploy/nginx.conf), and gunicorn finishes the requests in hand before it stops (graceful_timeout).
"""

import time

import pytest
from django.utils import translation

from tests.cluster.load import Load

pytestmark = pytest.mark.cluster

FAIL_TIMEOUT = 5  # seconds, deploy.nginx's default
CALCULATOR_ANSWER = "/ru/calculators/contribution/?region=national&year=2025&ordinary=2&extreme_poverty=1"


@pytest.fixture
def pages(live_guide):
    with translation.override("ru"):
        guide = live_guide.get_absolute_url()
    return ["/ru/", guide, CALCULATOR_ANSWER, "/ru/faq/", "/robots.txt"]


def served_lines(server):
    try:
        return len(server.access_log.read_text().splitlines())
    except FileNotFoundError:
        return 0


def test_a_node_killed_under_load_costs_no_request_and_takes_load_again_once_back(
        cluster, visitor, node_b, pages):
    served = {}

    def kill_and_bring_back(load):
        time.sleep(3)
        node_b.kill()
        time.sleep(2)
        node_b.start()  # waits for its health check
        served["when back"] = served_lines(node_b)
        time.sleep(FAIL_TIMEOUT + 3)  # nginx tries a failed server again after fail_timeout

    load = Load([visitor() for _ in range(4)], pages, seconds=20).run(kill_and_bring_back)

    assert load.failures == [], f"{len(load.failures)} of {load.done} requests failed: {load.failures[:10]}"
    assert served_lines(node_b) > served["when back"], "the node came back but took no requests"


def test_a_rolling_restart_of_every_node_under_load_costs_no_request(cluster, visitor, pages):
    def restart_one_by_one(load):
        time.sleep(2)
        cluster.rolling_restart()
        for server in cluster.app_servers:  # new code, same environment: SIGHUP, new workers replace the old
            server.reload()
            time.sleep(2)

    load = Load([visitor() for _ in range(4)], pages, seconds=10).run(restart_one_by_one)

    assert load.failures == [], f"{len(load.failures)} of {load.done} requests failed: {load.failures[:10]}"
    assert load.done > 20  # the load ran all along
