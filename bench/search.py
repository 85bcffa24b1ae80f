"""Search pages in process, today's content against 50 times it, on one database (SQLite or PostgreSQL).

    .venv/bin/python -m bench.search prepare DATABASE_URL_1x DATABASE_URL_50x   # migrate, demo content, grow
    .venv/bin/python -m bench.search measure DATABASE_URL_1x DATABASE_URL_50x [--iterations 20] [--sql] [--profile PATH]

``prepare`` migrates both databases, loads the demo content into both and grows the second one 50 times
(bench.inprocess.grow: 550 guides, 1,100 questions, 600 regions). ``measure`` runs each database in a process
of its own (settings are read once per process), warms every page, then prints the median of ``--iterations``
fresh renderings (no response cache in front), wall clock and this process's CPU time (steadier on a busy
machine; it leaves out PostgreSQL's own work), and the queries one rendering reads, with the ratio 50x / today.
Not a test: the figures vary with the machine's load; use the ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# The search pages of tests/guides/test_search_scale.py PAGES, then a few more kinds of query.
SEARCHES = [
    "/ru/search/?q=взносов",
    "/zh-hans/search/?q=交费",
    "/zh-hans/search/?q=缴费 北京",
    "/ru/search/?q=взнос&group=questions&page=2",  # today: no second page (404); compare the first:
    "/ru/search/?q=взнос&group=questions",
    "/zh-hans/search/?q=",
    "/ru/search/?q=备案",  # found only in the other language
    "/zh-hans/search/?q=缴费",
    "/zh-hans/search/?q=异地就医备案",
    "/ru/search/?q=разрешение на пребывание",
    "/ru/search/?q=взнос",
    "/zh-hans/search/?q=没有这个词语",  # a miss: the other language is counted too
]


def environment(url):
    env = dict(os.environ, DATABASE_URL=url, DJANGO_ALLOW_INSECURE_KEY="1", DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("REDIS_URL", None)  # local memory: the content version and the per-version caches stay in this process
    env.pop("DJANGO_DEBUG", None)
    return env


def setup():
    import django
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    django.setup()


def prepare(url, factor):
    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_content", verbosity=0)
    if factor > 1:
        from bench.growth import grow

        grow(factor)


def measure(iterations, profile=None):
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for path in SEARCHES:
        for _ in range(3):
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)  # 404: no such page yet
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        sql = [q["sql"] for q in captured.captured_queries]  # now: a reconnection clears the log
        times, cpu = [], []
        for _ in range(iterations):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[path] = {"ms": statistics.median(times), "cpu": statistics.median(cpu), "queries": len(sql),
                          "status": response.status_code, "sql": sql}
    if profile:
        import cProfile

        with cProfile.Profile() as profiler:
            for path in SEARCHES:
                for _ in range(3):
                    client.get(path)
        profiler.dump_stats(profile)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["prepare", "measure", "_prepare", "_measure"])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--factor", type=int, default=50)
    parser.add_argument("--profile", default="")
    parser.add_argument("--sql", action="store_true", help="print the SQL of each page")
    args = parser.parse_args()
    if args.action == "_prepare":
        return prepare(args.urls[0], args.factor)
    if args.action == "_measure":
        print(json.dumps(measure(args.iterations, args.profile)))
        return
    runs = []
    for number, url in enumerate(args.urls[:2]):
        command = [sys.executable, "-m", "bench.search", "_" + args.action, url,
                   "--iterations", str(args.iterations), "--factor", str(args.factor if number else 1)]
        if args.profile:
            command += ["--profile", f"{args.profile}.{'50x' if number else '1x'}"]
        output = subprocess.run(command, env=environment(url), check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(output) if args.action == "measure" else None)
    if args.action == "prepare":
        return
    today, grown = runs
    print(f"{'page':46} {'wall ms: today':>14} {'50x':>6} {'ratio':>5}  {'cpu ms: today':>13} {'50x':>6} {'ratio':>5}"
          f"  {'queries':>7}")
    for path in SEARCHES:
        before, after = today[path], grown[path]
        print(f"{path:46} {before['ms']:14.1f} {after['ms']:6.1f} {after['ms'] / before['ms']:5.2f}  "
              f"{before['cpu']:13.1f} {after['cpu']:6.1f} {after['cpu'] / before['cpu']:5.2f}  "
              f"{before['queries']:>3} {after['queries']:>3}"
              + ("" if before["status"] == after["status"] == 200
                 else f"  (status {before['status']} -> {after['status']})"))
        if args.sql:
            for sql in after["sql"]:
                print("    ", sql[:2000])


if __name__ == "__main__":
    main()
