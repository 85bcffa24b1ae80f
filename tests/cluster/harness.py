"""`make test-cluster`: start the portal as a cluster on this machine, run the scenario tests, print load figures.

The stack (deploy/stack.py) follows deploy/README.md: a fresh PostgreSQL database, a Redis database number
of its own, two gunicorn app servers with production settings behind nginx. Then the demo content is
loaded, the scenarios (tests/cluster/, marker ``cluster``) run through nginx and against each app server,
and wrk measures a guide and a calculator answer through nginx with one app server in rotation and with
two. Everything started is stopped and the database dropped at the end, also after a failure, Ctrl-C or
SIGTERM. The exit status is the scenarios'.
"""

import argparse
import json
import re
import subprocess
import sys
import time

from deploy.stack import PYTHON, ROOT, Stack, manage, stop_cleanly_on_signals

CALCULATOR_ANSWER = ("/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3"
                     "&cost=50000&date=2025-06-01")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-db", type=int, default=11, help="the Redis database number of this run (11)")
    parser.add_argument("--load-seconds", type=int, default=5, help="length of each wrk measurement (5)")
    parser.add_argument("--no-figures", action="store_true", help="scenarios only")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest, e.g. -k failover")
    args = parser.parse_args(argv)

    stop_cleanly_on_signals()

    started = time.monotonic()
    status = 1
    stack = Stack("cluster", app_servers=2, redis_db=args.redis_db)
    try:
        print("== Cluster: starting PostgreSQL database, Redis database, 2 gunicorn app servers, nginx", flush=True)
        stack.start(log=lambda line: print("   " + line, flush=True))
        manage("load_demo_content", "-v0", env=stack.env)
        state = stack.workdir / "state.json"
        state.write_text(json.dumps(stack.state()))
        print("== Cluster scenarios (tests/cluster)", flush=True)
        status = run_scenarios(stack, state, args.pytest_args)
        if not args.no_figures:
            print_load_figures(stack, args.load_seconds)
    except KeyboardInterrupt:
        print("\nInterrupted: stopping the cluster.", file=sys.stderr)
        status = 130
    finally:
        stack.close()
        print(f"== Cluster stopped, database {stack.database.name} dropped "
              f"({time.monotonic() - started:.0f} s in all)", flush=True)
    return status


def run_scenarios(stack, state, pytest_args):
    env = {**stack.env, "PORTAL_CLUSTER_STATE": str(state), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    command = [PYTHON, "-m", "pytest", "-p", "no:django", "-m", "cluster", "-v", "tests/cluster",
               "-W", "ignore:Unknown config option:pytest.PytestConfigWarning", *pytest_args]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        return process.wait()
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def print_load_figures(stack, seconds):
    """Requests per second and p99 through nginx, one app server in rotation and then two."""
    from tests.cluster.http import Visitor

    reader = Visitor(stack.nginx.url, certificate=stack.nginx.certificate)
    guide = "/ru/guides/" + re.search(r'href="/ru/guides/([\w-]+)/"', reader.get("/ru/guides/").text).group(1) + "/"
    pages = [("a guide", guide), ("a calculator answer", CALCULATOR_ANSWER)]
    print(f"== Load through nginx (wrk, 2 threads, 16 connections, {seconds} s each; the same URL every time)",
          flush=True)
    rows = []
    for label, path in pages:
        figures = {}
        for servers in (stack.app_servers[:1], stack.app_servers):
            stack.nginx.reload(servers)
            wrk(stack.nginx.url + path, 1)  # warm-up: workers started, caches filled
            figures[len(servers)] = wrk(stack.nginx.url + path, seconds)
        rows.append((label, path, figures))
    stack.nginx.reload(stack.app_servers)
    print(f"   {'':<22}{'1 node req/s':>14}{'p99':>10}{'2 nodes req/s':>16}{'p99':>10}{'ratio':>8}")
    for label, path, figures in rows:
        one, two = figures[1], figures[2]
        print(f"   {label:<22}{one.rps:>14.1f}{one.p99_ms:>8.1f}ms{two.rps:>16.1f}{two.p99_ms:>8.1f}ms"
              f"{two.rps / one.rps if one.rps else 0:>7.2f}x")
        for count, result in figures.items():
            if result.errors:
                print(f"   ! {label}, {count} node(s): {result.errors}")
    print("   Both app servers share this machine's 2 cores with nginx, PostgreSQL, Redis and wrk. A second node")
    print("   adds worker processes, not CPU: the ratio shows how much better 4 processes (2 per node, 4 threads")
    print("   each, one interpreter lock per process) use those 2 cores than 2 processes do, not what a second")
    print("   machine would add. On separate machines each node brings its own cores, and throughput grows with")
    print("   the nodes until PostgreSQL or Redis limits it. The ratio is reported, never asserted.")


class WrkResult:
    def __init__(self, output):
        self.output = output
        rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
        self.rps = float(rps.group(1)) if rps else 0.0
        p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        factor = {"us": 0.001, "ms": 1, "s": 1000}
        self.p99_ms = float(p99.group(1)) * factor[p99.group(2)] if p99 else float("nan")
        errors = re.findall(r"(Socket errors:.*|Non-2xx or 3xx responses:.*)", output)
        self.errors = "; ".join(errors)


def wrk(url, seconds, connections=16, threads=2):
    output = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                             "--latency", url],
                            capture_output=True, text=True, check=True).stdout
    return WrkResult(output)


if __name__ == "__main__":
    sys.exit(main())
