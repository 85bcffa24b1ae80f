"""``manage.py serve_demo`` (what ``make run`` serves with): once the server listens it prints where the site
is, in both languages, and a command that creates an admin user, which works as printed."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty, Queue
from threading import Thread

ROOT = Path(__file__).resolve().parents[2]


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lines_until(process, pattern, timeout=120):
    """The server's output up to the first line matching ``pattern`` (read by a thread, so a silent server
    cannot block the test past ``timeout``)."""
    queue = Queue()

    def read():
        for line in process.stdout:
            queue.put(line)
        queue.put(None)

    Thread(target=read, daemon=True).start()
    lines, deadline = [], time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = queue.get(timeout=left)
        except Empty:
            break
        if line is None:
            break
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            return lines
    raise AssertionError("\n".join(lines))


def test_the_server_says_where_the_site_is_and_how_to_create_an_admin_who_can_log_in(tmp_path):
    database = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    # The admin user needs only the auth tables.
    subprocess.run([sys.executable, "manage.py", "migrate", "auth", "-v0"], cwd=ROOT, check=True, timeout=120,
                   env=environment(DATABASE_URL=database))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_demo", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT,
        env=environment(DJANGO_DEBUG="1", DATABASE_URL=database, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        lines = lines_until(server, r"^Admin user: ")
    finally:
        server.terminate()
        server.wait(timeout=30)

    started = next(i for i, line in enumerate(lines) if line.startswith("Starting"))
    site, admin = lines[-2:]
    assert started < len(lines) - 2
    assert site == (f"Open the site: http://127.0.0.1:{port}/zh-hans/ (Chinese) "
                    f"or http://127.0.0.1:{port}/ru/ (Russian)")
    command = re.fullmatch(r"Admin user: run (.+) in another terminal, then log in at "
                           rf"http://127\.0\.0\.1:{port}/zh-hans/admin/", admin).group(1)
    assert command.endswith(" manage.py createsuperuser")

    # As printed, without DJANGO_DEBUG or a secret key; --noinput takes the answers from the environment.
    python, *arguments = command.replace("DATABASE_URL=" + database + " ", "").split()
    created = subprocess.run(
        [python, *arguments, "--noinput", "--username", "admin", "--email", "admin@example.org"], cwd=ROOT,
        env=environment(DATABASE_URL=database, DJANGO_SUPERUSER_PASSWORD="a-long-test-password"),
        capture_output=True, text=True, timeout=120,
    )
    assert created.returncode == 0, created.stderr
    assert "Superuser created successfully." in created.stdout
