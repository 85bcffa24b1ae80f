"""The in-process half of scripts/bench: median time and database queries per page, with Django's test client.

Run by bench.run in a process of its own with the benchmark site's settings and environment; prints JSON.
``--grow 50`` first adds 49 copies of every guide, FAQ and region, so the content is 50 times today's.

Every time here is a fresh render: a page asked before is timed with the whole-response cache turned off
(``PORTAL_RESPONSE_CACHE_SECONDS=0``; wrk measures what the cache serves), a fresh link is a new link on every
iteration (missed, rendered and stored, as a reader typing into a form). ``queries_first`` is the first
request of a link never asked before, ``queries_again`` the same request once more (from the cache).
"""

import argparse
import contextlib
import json
import os
import statistics
import time

import django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--guide", required=True)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--grow", type=int, default=1)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django.setup()

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.endpoints import endpoints

    if args.grow > 1:
        grow(args.grow)
    cache.clear()  # this benchmark's own Redis database: the first request of each page starts cold
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    results = {}
    for number, endpoint in enumerate(endpoints(args.guide)):
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in endpoint.headers.items()}
        queries = []
        first = endpoint.filled(number * 10000 + 5) if endpoint.fresh else endpoint.filled()
        for _ in range(2):  # the first request, then the same request again
            with CaptureQueriesContext(connection) as captured:
                response = client.get(first, **headers)
            assert response.status_code == 200, (endpoint.name, response.status_code)
            queries.append(len(captured))
        times = []
        # Asked before: rendered afresh each time (the cache off); fresh: a new link on each iteration.
        rendering = contextlib.nullcontext() if endpoint.fresh else override_settings(PORTAL_RESPONSE_CACHE_SECONDS=0)
        with rendering:
            for iteration in range(args.iterations):
                path = endpoint.filled(number * 10000 + iteration + 7) if endpoint.fresh else endpoint.filled()
                started = time.perf_counter()
                client.get(path, **headers)
                times.append((time.perf_counter() - started) * 1000)
        results[endpoint.name] = {"ms": statistics.median(times), "queries_first": queries[0],
                                  "queries_again": queries[1]}
    print(json.dumps(results))


def grow(factor):
    """Add ``factor - 1`` copies of every guide, FAQ and region (saved one by one, as an editor's would be)."""
    from django.db import transaction

    from calculators.models import Region
    from guides.models import FAQ, Guide

    with transaction.atomic():
        for model in (Guide, FAQ, Region):
            originals = list(model.objects.all())
            for copy_number in range(1, factor):
                for original in originals:
                    copy = model.objects.get(pk=original.pk)
                    copy.pk = copy.id = None
                    copy._state.adding = True
                    copy.slug = f"{original.slug}-copy{copy_number}"[:50]
                    if model is Region:
                        copy.parent_id = original.parent_id or original.pk
                    copy.save()


if __name__ == "__main__":
    main()
