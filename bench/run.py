"""scripts/bench: how fast the portal serves, measured against a trivial view in the same run (issue targets).

1. Starts the site the production way (deploy/stack.py): gunicorn, 4 sync workers, on a PostgreSQL database
   and a Redis database number of its own, loads the demo content and warms every URL.
2. wrk, 16 connections, one interleaved run: every round measures every endpoint for a few seconds, so a
   drift of the machine (other processes) touches all of them alike; the median over rounds is reported.
3. In-process (Django's test client, median of many requests) time and query counts per page, with today's
   content and with 50 times as many guides, FAQs and regions.
4. Page weight: what a phone downloads for a guide on a first and on a repeat visit (HTML, CSS, JS).
Prints one table with ratios against the trivial view and marks each target met or missed; stops everything.
"""

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.endpoints import endpoints
from deploy.stack import PYTHON, ROOT, Stack, manage, stop_cleanly_on_signals

LUA = Path(__file__).with_name("fresh.lua")
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # the production settings expect HTTPS from a proxy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3, help="per endpoint and round")
    parser.add_argument("--iterations", type=int, default=100,
                        help="in-process requests per endpoint, with today's content and with 50x")
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args(argv)

    stop_cleanly_on_signals()  # a bench stopped midway still drops its database
    stack = Stack("bench", app_servers=1, redis_db=args.redis_db, nginx=False, extra_env={
        "DJANGO_SETTINGS_MODULE": "bench.settings", "WEB_CONCURRENCY": "4", "GUNICORN_THREADS": "1",
    })
    try:
        print("== Starting gunicorn (4 sync workers) on PostgreSQL and Redis", flush=True)
        stack.start(log=lambda line: print("   " + line, flush=True))
        manage("load_demo_content", "-v0", env=stack.env)
        server = stack.app_servers[0]
        guide = first_guide(server.url)
        measured = endpoints(guide)
        shapes = form_shapes(stack, guide)
        for endpoint in measured:
            if endpoint.name in shapes:
                endpoint.headers = {**endpoint.headers, **shapes[endpoint.name]}
        print(f"== wrk: {len(measured)} endpoints x {args.rounds} rounds x {args.seconds} s (16 connections)",
              flush=True)
        throughput = interleaved(server.url, measured, args.rounds, args.seconds)
        print(f"== In-process: {args.iterations} requests per endpoint, today's content and 50x", flush=True)
        today = in_process(stack, guide, args.iterations, grow=1)
        weight = page_weight(server, guide)
        grown = in_process(stack, guide, args.iterations, grow=50)
    finally:
        stack.close()
    report(measured, throughput, today, grown, weight)


def first_guide(base_url):
    status, _headers, body = fetch(base_url, "/ru/guides/")
    return "/ru/guides/" + re.search(rb'href="/ru/guides/([\w-]+)/"', body).group(1).decode() + "/"


def interleaved(base_url, measured, rounds, seconds):
    """{endpoint name: (median requests/s, worst non-2xx/errors note)} over ``rounds`` rounds."""
    for endpoint in measured:  # warm: every worker imports, every cache fills
        wrk(base_url, endpoint, 1, seed=0)
    runs = {endpoint.name: [] for endpoint in measured}
    notes = {}
    for round_number in range(rounds):
        for endpoint in measured:
            drain(base_url)
            rps, note = wrk(base_url, endpoint, seconds, seed=(round_number + 1) * 300)
            runs[endpoint.name].append(rps)
            if note:
                notes[endpoint.name] = note
    return {name: (statistics.median(values), notes.get(name, "")) for name, values in runs.items()}


def drain(base_url):
    """Wait until the requests wrk left queued are served, so they do not eat into the next measurement: a
    request sent now is answered only after every request queued before it was taken by a worker."""
    fetch(base_url, "/ru/bench/trivial/")
    time.sleep(0.3)


def wrk(base_url, endpoint, seconds, seed):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in {**PROXY_HEADERS, **endpoint.headers}.items():
        command += ["-H", f"{name}: {value}"]
    if endpoint.fresh:
        command += ["-s", str(LUA), base_url, "--", endpoint.path, str(seed)]
    else:
        command.append(base_url + endpoint.filled())
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    note = "; ".join(re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors:.*)", output))
    return rps, note


def form_shapes(stack, guide):
    return in_process(stack, guide, 0, 1, "--shapes")


def in_process(stack, guide, iterations, grow, *options):
    output = subprocess.run([PYTHON, "-m", "bench.inprocess", "--guide", guide, "--iterations", str(iterations),
                             "--grow", str(grow), *options], cwd=ROOT, env=stack.env, capture_output=True,
                            text=True)
    if output.returncode:
        raise RuntimeError(output.stderr[-3000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def fetch(base_url, path, headers=None):
    host, port = base_url.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    head = response.getheaders()
    connection.close()
    return response.status, head, body


def transferred(status, headers, body):
    """Bytes on the wire, roughly: status line, headers and the body as sent (compressed when it was)."""
    return len(f"HTTP/1.1 {status} OK\r\n") + sum(len(k) + len(v) + 4 for k, v in headers) + 2 + len(body)


def page_weight(server, guide):
    """(first visit bytes, repeat visit bytes, details): the guide's HTML, stylesheets and scripts, asked with
    Accept-Encoding as a phone's browser does; on the repeat visit, what the browser may keep is not asked
    again (a fresh max-age) and the rest is asked with the validators it got (ETag, Last-Modified)."""
    accept = {"Accept-Encoding": "gzip, br"}
    status, headers, body = fetch(server.url, guide, accept)
    html = body
    if dict((k.lower(), v) for k, v in headers).get("content-encoding") == "gzip":
        import gzip

        html = gzip.decompress(body)
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    first, repeat, details = 0, 0, []
    for path in [guide] + sorted({a.decode() for a in assets}):
        status, headers, body = fetch(server.url, path, accept)
        size = transferred(status, headers, body)
        first += size
        named = {k.lower(): v for k, v in headers}
        max_age = re.search(r"max-age=(\d+)", named.get("cache-control", ""))
        if max_age and int(max_age.group(1)) > 0 and "no-cache" not in named.get("cache-control", ""):
            again = 0
        else:
            validators = {}
            if "etag" in named:
                validators["If-None-Match"] = named["etag"]
            if "last-modified" in named:
                validators["If-Modified-Since"] = named["last-modified"]
            again = transferred(*fetch(server.url, path, {**accept, **validators}))
        repeat += again
        details.append((path, size, again, named.get("content-encoding", "identity")))
    return first, repeat, details


def in_process_ratio(run, name):
    return run[name]["ms"] / run["trivial view"]["ms"]


def growth_ratio(today, grown, name):
    """The 50x time against today's, each first taken against the trivial view of its own run: the two runs are
    separate processes minutes apart, and the machine's drift between them (other work, clock speed) is in the
    yardstick too, as it is in every other ratio here; the content is not (the trivial view reads none)."""
    return in_process_ratio(grown, name) / in_process_ratio(today, name)


def raw_growth_ratio(today, grown, name):
    return grown[name]["ms"] / today[name]["ms"]


def report(measured, throughput, today, grown, weight):
    trivial_rps = throughput["trivial view"][0]
    print()
    print(f"{'endpoint':<34}{'req/s':>9}{'x trivial':>10}{'ms in-proc':>11}{'x trivial':>10}"
          f"{'queries':>9}{'again':>6}{'ms 50x':>8}{'x today':>8}{'raw':>6}")
    for endpoint in measured:
        rps, note = throughput[endpoint.name]
        now, big = today[endpoint.name], grown[endpoint.name]
        print(f"{endpoint.name:<34}{rps:>9.1f}{rps / trivial_rps:>10.2f}{now['ms']:>11.1f}"
              f"{in_process_ratio(today, endpoint.name):>10.1f}{now['queries_first']:>9}{now['queries_again']:>6}"
              f"{big['ms']:>8.1f}{growth_ratio(today, grown, endpoint.name):>8.2f}"
              f"{raw_growth_ratio(today, grown, endpoint.name):>6.2f}" + (f"  ! {note}" if note else ""))
    print()
    checks = targets(measured, throughput, today, grown, weight)
    width = max(len(text) for text, _ in checks)
    for text, met in checks:
        print(f"{text:<{width}}  {'met' if met is True else 'MISSED' if met is False else met}")
    first, repeat, details = weight
    print()
    print("Page weight of a guide (bytes on the wire, headers included):")
    for path, size, again, encoding in details:
        print(f"   {path:<60} first {size:>7}  repeat {again:>6}  ({encoding})")
    print("Notes: 'fresh' = a link never asked before on every request (wrk: bench/fresh.lua; in-process: a new")
    print("query value per iteration). 'ms in-proc' is always a fresh render: pages asked before are timed with")
    print("the whole-response cache off; the trivial view is timed in a batch before every endpoint, and its")
    print("figure is the median over all of them.")
    print("wrk's req/s is what the cache serves. 'queries' = a render of a link")
    print("never asked (after a first request of the content version built the rule book, tables and search")
    print("index), 'again' = the same link asked again. 'x today' = the 50x time against today's, each taken")
    print("against its own run's trivial view (the two in-process runs are minutes apart; 'raw' divides the")
    print("times alone). '50x' = 49 copies of every guide, FAQ and")
    print("region added, with the copied regions' payment windows, periods, contributions and channels")
    print("(bench.growth). One machine runs the server, PostgreSQL, Redis and wrk: read the ratios, not the")
    print("absolute figures.")


def targets(measured, throughput, today, grown, weight):
    trivial_rps = throughput["trivial view"][0]
    asked_before = [e for e in measured if not e.fresh and e.name != "trivial view"]
    fresh = [e for e in measured if e.fresh]
    pages = [e for e in measured if e.name != "trivial view"]
    checks = []
    for endpoint in asked_before:
        ratio = throughput[endpoint.name][0] / trivial_rps
        checks.append((f"asked before, >= 0.8x trivial throughput: {endpoint.name} ({ratio:.2f}x)", ratio >= 0.8))
    limits = {"partial": 20, "page": 40, "json": 15}
    for endpoint in fresh:
        ratio = in_process_ratio(today, endpoint.name)
        limit = limits[endpoint.representation]
        checks.append((f"never asked before, <= {limit}x trivial in-process time: {endpoint.name} ({ratio:.0f}x)",
                       ratio <= limit))
    worst_first = max(today[e.name]["queries_first"] for e in pages)
    worst_again = max(today[e.name]["queries_again"] for e in asked_before)
    checks.append((f"at most 5 queries for any public page (worst: {worst_first})", worst_first <= 5))
    checks.append((f"0 queries for a page asked before (worst: {worst_again})", worst_again == 0))
    changed = [e.name for e in pages if grown[e.name]["queries_first"] != today[e.name]["queries_first"]]
    checks.append((f"queries constant with 50x guides, FAQs and regions ({', '.join(changed) or 'all constant'})",
                   not changed))
    worst = max(pages, key=lambda e: growth_ratio(today, grown, e.name))
    growth = growth_ratio(today, grown, worst.name)
    checks.append((f"with 50x content no page costs more than 2x today (worst: {worst.name}, {growth:.2f}x; "
                   f"trivial view {raw_growth_ratio(today, grown, 'trivial view'):.2f}x)", growth <= 2))
    middleware = today["trivial view"]["queries_again"]
    checks.append((f"no per-request database work in middleware (trivial view: {middleware} queries)",
                   middleware == 0))
    first, repeat, _details = weight
    checks.append((f"first visit to a guide <= 50 KB transferred ({first / 1024:.1f} KB)", first <= 50 * 1024))
    checks.append((f"repeat visit to a guide <= 15 KB transferred ({repeat / 1024:.1f} KB)", repeat <= 15 * 1024))
    checks.append(("the QR code and other extras never block the first paint",
                   "tested in Chromium, not here (tests/browser/test_calculators.py)"))
    return checks


if __name__ == "__main__":
    sys.exit(main())
