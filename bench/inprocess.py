"""The in-process half of scripts/bench: median time and database queries per page, with Django's test client.

Run by bench.run in a process of its own with the benchmark site's settings and environment; prints JSON.
``--grow 50`` first adds 49 copies of every guide, FAQ, region and simple rule row (``bench.growth``, the
generator the query-count tests use too), so the content is 50 times today's.

Timed in ``ROUNDS`` interleaved rounds over all endpoints (``--iterations`` requests per endpoint in all), as
wrk's rounds are. Every time here is a fresh render: a page asked before is timed with the whole-response cache turned off
(``PORTAL_RESPONSE_CACHE_SECONDS=0``; wrk measures what the cache serves), a fresh link is a new link on every
iteration (missed, rendered and stored, as a reader typing into a form). ``queries_first`` is a render of a
link never asked before, once what is kept per content version (the rule book, live tables, the search index)
has been built by an earlier request; ``queries_again`` the same link asked again (served from the cache).
"""

import argparse
import contextlib
import json
import os
import statistics
import time

import django


TRIVIAL = "/ru/bench/trivial/"
ROUNDS = 5


def timed(client, path, headers):
    started = time.perf_counter()
    client.get(path, **headers)
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--guide", required=True)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--grow", type=int, default=1)
    parser.add_argument("--shapes", action="store_true", help="print only the form shape headers (JSON)")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django.setup()

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.endpoints import endpoints, form_shapes
    from bench.growth import grow

    if args.grow > 1:
        grow(args.grow)
        if connection.vendor == "postgresql":  # else autovacuum analyses the new rows while pages are timed
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    measured = endpoints(args.guide)
    shapes = form_shapes(measured)  # after growing: with 50x regions the region list is longer
    if args.shapes:
        print(json.dumps(shapes))
        return
    for endpoint in measured:
        if endpoint.name in shapes:
            endpoint.headers = {**endpoint.headers, **shapes[endpoint.name]}
    cache.clear()  # this benchmark's own Redis database: the first request of each page starts cold
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    results, trivial, times = {}, [], {endpoint.name: [] for endpoint in measured}
    for number, endpoint in enumerate(measured):
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in endpoint.headers.items()}
        first = endpoint.filled(number * 10000 + 5) if endpoint.fresh else endpoint.filled()
        with override_settings(PORTAL_RESPONSE_CACHE_SECONDS=0):
            client.get(first, **headers)  # builds what is kept per content version (rule book, tables, index)
            with CaptureQueriesContext(connection) as rendering:  # a page rendered afresh
                client.get(first, **headers)
        queries = [len(rendering)]
        for _ in range(2):  # the first request with the cache on (stored), then the same again (served kept)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(first, **headers)
            assert response.status_code == 200, (endpoint.name, response.status_code)
            queries.append(len(captured))
        results[endpoint.name] = {"queries_first": queries[0], "queries_again": queries[2]}
    # Timed in rounds, as wrk is: each round times every endpoint a few times, so a drift of the machine over
    # the run (other processes, clock speed) touches every endpoint alike instead of the few timed during it.
    # The yardstick, the trivial view, is timed in a batch before every endpoint of every round, and its
    # figure is the median of all of them.
    per_round = max(1, args.iterations // ROUNDS)
    for round_number in range(ROUNDS):
        for number, endpoint in enumerate(measured):
            headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in endpoint.headers.items()}
            trivial.extend(timed(client, TRIVIAL, {}) for _ in range(per_round))
            # Asked before: rendered afresh each time (the cache off); fresh: a new link on each iteration.
            rendering = (contextlib.nullcontext() if endpoint.fresh
                         else override_settings(PORTAL_RESPONSE_CACHE_SECONDS=0))
            with rendering:
                for iteration in range(per_round):
                    fresh_number = number * 10000 + round_number * per_round + iteration + 7
                    path = endpoint.filled(fresh_number) if endpoint.fresh else endpoint.filled()
                    times[endpoint.name].append(timed(client, path, headers))
    for endpoint in measured:
        results[endpoint.name]["ms"] = statistics.median(times[endpoint.name])
    results["trivial view"]["ms"] = statistics.median(trivial)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
