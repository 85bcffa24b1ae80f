"""The production stack of deploy/README.md on this machine: a database of its own on the local PostgreSQL,
a Redis database number of its own, gunicorn app servers with production settings and nginx in front.

The cluster tests (scripts/test-cluster) and the benchmark (scripts/bench) start it with the operator's
files and commands: deploy/gunicorn.conf.py, `python -m deploy.nginx`, `manage.py collectstatic`,
`manage.py migrate`. Everything listens on loopback ports and is stopped (and the database dropped) by
``close()``, whatever happened before.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LOOPBACK = "127.0.0.1"
PORTS = range(8750, 8800)  # the loopback ports this project's tools may use
POSTGRES_ADMIN_URL = os.environ.get("PORTAL_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_SERVER = os.environ.get("PORTAL_REDIS_SERVER", "redis://127.0.0.1:6379")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"


def stop_cleanly_on_signals():
    """Ctrl-C, SIGTERM and SIGHUP become KeyboardInterrupt, so the ``finally`` that closes a Stack runs. SIGINT
    too, explicitly: a program started in the background by a shell inherits SIGINT ignored."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def free_port(taken=()):
    """A loopback port in PORTS that nothing listens on now."""
    for port in secrets.SystemRandom().sample(list(PORTS), len(PORTS)):
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in {PORTS.start}-{PORTS.stop - 1}")


def is_healthy(base_url, headers=None, timeout=2):
    """True when the server answers its load balancers' health check, GET /healthz, with 200."""
    return http_status(f"{base_url}/healthz", headers, timeout) == 200


def http_status(url, headers=None, timeout=2):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_unverified_tls()) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return None


def _unverified_tls():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate on loopback
    return context


def wait_for(check, what, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


def manage(*args, env, quiet=True):
    """Run a management command the way the operator does: `.venv/bin/python manage.py ...`."""
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


class Database:
    """A fresh PostgreSQL database on the local server, dropped at the end."""

    def __init__(self, prefix):
        self.name = f"{prefix}_{secrets.token_hex(4)}"
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"
        self.created = False

    def create(self):
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def drop(self):
        if not self.created:
            return
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


class RedisDatabase:
    """One numbered Redis database, emptied before and after use (never the whole server)."""

    def __init__(self, number):
        self.number = int(number)
        self.url = f"{REDIS_SERVER}/{self.number}"

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def empty(self):
        self.client().flushdb()

    def size(self):
        return self.client().dbsize()


class AppServer:
    """One gunicorn app server: `gunicorn -c deploy/gunicorn.conf.py --bind HOST:PORT --pid FILE`."""

    def __init__(self, name, port, env, workdir):
        self.name, self.port, self.env = name, port, dict(env)
        self.pidfile = Path(workdir) / f"{name}.pid"
        self.log = Path(workdir) / f"{name}.log"
        self.access_log = Path(workdir) / f"{name}.access.log"
        self.process = None
        self.overrides = {}  # how the running server's environment differs from the usual one

    @property
    def url(self):
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def address(self):
        return f"{LOOPBACK}:{self.port}"

    def start(self, wait=True, **overrides):
        """Start the server with its environment, changed by ``overrides`` (None removes a variable)."""
        self.overrides = overrides
        env = {**self.env, **overrides, "GUNICORN_ACCESS_LOG": str(self.access_log)}
        env = {key: value for key, value in env.items() if value is not None}
        with open(self.log, "ab") as log:
            # A session of its own: a Ctrl-C meant for the harness does not reach it, and killing the
            # group takes its workers along.
            self.process = subprocess.Popen(
                [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--bind", self.address, "--pid", str(self.pidfile),
                 "--name", f"portal-{self.name}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        if wait:
            self.wait_until_up()
        return self

    def is_up(self):
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"app server {self.name} exited; its log ends:\n{self.log_tail()}")
        # The node sees what nginx sends it: HTTPS according to X-Forwarded-Proto.
        return is_healthy(self.url, {"X-Forwarded-Proto": "https"})

    def wait_until_up(self, timeout=60):
        try:
            wait_for(self.is_up, f"app server {self.name} on {self.address}", timeout)
        except RuntimeError as error:
            raise RuntimeError(f"{error}; its log ends:\n{self.log_tail()}") from None

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def master_pid(self):
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return self.process.pid if self.process and self.process.poll() is None else None

    def reload(self):
        """SIGHUP: new workers with the new code, the old ones finish their requests and leave."""
        os.kill(self.master_pid(), signal.SIGHUP)

    def stop(self, timeout=30):
        """SIGTERM: stop accepting, finish the requests in hand (graceful_timeout), exit."""
        pid = self.master_pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if not _wait_gone(pid, timeout):
            self.kill()
        self._reap()

    def kill(self):
        """SIGKILL to the master and its workers at once: a crash, not a stop."""
        pid = self.master_pid()
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _wait_gone(pid, 10)
        self._reap()
        self.pidfile.unlink(missing_ok=True)

    def _reap(self):
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _status = os.waitpid(pid, os.WNOHANG)
            if finished:
                return True
        except ChildProcessError:  # not our child (started by another process): poll for its end
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        time.sleep(0.05)
    return False


def restart_together(servers, **overrides):
    """Stop every server, then start them all with ``overrides`` and wait until each is up (not a rolling
    restart: for a change that every server must see at once)."""
    for server in servers:
        server.stop()
    for server in servers:
        server.start(wait=False, **overrides)
    for server in servers:
        server.wait_until_up()


class Nginx:
    """nginx (Debian's package) with the site config that `python -m deploy.nginx` renders."""

    def __init__(self, port, static_root, workdir):
        self.port, self.static_root = port, Path(static_root)
        self.prefix = Path(workdir) / "nginx"
        self.prefix.mkdir(exist_ok=True)
        self.site_conf = self.prefix / "portal.conf"
        self.main_conf = self.prefix / "nginx.conf"
        self.certificate, self.certificate_key = self.prefix / "tls.crt", self.prefix / "tls.key"
        self.process = None

    @property
    def url(self):
        return f"https://{LOOPBACK}:{self.port}"

    def configure(self, app_servers):
        """Write the site config for these app servers: the operator's command, with this run's values."""
        command = [PYTHON, "-m", "deploy.nginx", "--listen", f"{LOOPBACK}:{self.port}", "--server-name", LOOPBACK,
                   "--static-root", str(self.static_root), "--certificate", str(self.certificate),
                   "--certificate-key", str(self.certificate_key)]
        for server in app_servers:
            command += ["--app", server.address]
        self.site_conf.write_text(subprocess.run(command, cwd=ROOT, check=True, capture_output=True,
                                                 text=True).stdout)

    def start(self, app_servers):
        self._make_certificate()
        self.configure(app_servers)
        # What Debian's /etc/nginx/nginx.conf gives the site config, in a prefix of our own.
        self.main_conf.write_text(f"""daemon off;
worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    access_log off;
    client_body_temp_path {self.prefix}/client_body;
    proxy_temp_path {self.prefix}/proxy;
    fastcgi_temp_path {self.prefix}/fastcgi;
    uwsgi_temp_path {self.prefix}/uwsgi;
    scgi_temp_path {self.prefix}/scgi;
    include {self.site_conf};
}}
""")
        self.process = subprocess.Popen([NGINX, "-p", str(self.prefix), "-c", str(self.main_conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.is_up, f"nginx on port {self.port}", 20)
        return self

    def is_up(self):
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(self.prefix / 'error.log').read_text(errors='replace')[-2000:]}")
        return is_healthy(self.url)

    def reload(self, app_servers):
        """Put exactly these app servers in rotation: new config, `nginx -s reload` (graceful)."""
        self.configure(app_servers)
        subprocess.run([NGINX, "-p", str(self.prefix), "-c", str(self.main_conf), "-s", "reload"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # old workers finish their requests; new ones take the new upstream list

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def _make_certificate(self):
        """A throwaway self-signed certificate for 127.0.0.1: HTTPS end to end, as in production."""
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", f"/CN={LOOPBACK}", "-addext", f"subjectAltName=IP:{LOOPBACK}",
                        # its own authority too, so clients can trust exactly this certificate
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
                        "-keyout", str(self.certificate_key), "-out", str(self.certificate)],
                       check=True, capture_output=True)


class Stack:
    """Database, Redis database, app servers and (optionally) nginx, started in that order, stopped in reverse."""

    def __init__(self, name, app_servers=2, redis_db=11, nginx=True, extra_env=None):
        self.workdir = Path(tempfile.mkdtemp(prefix=f"portal-{name}-"))
        self.workdir.chmod(0o755)  # nginx's workers (user nobody) read the static files under it
        self.static_root = self.workdir / "static"
        self.database = Database(f"portal_{name}")
        self.redis = RedisDatabase(redis_db)
        taken = set()
        self.nginx_port = free_port(taken) if nginx else None
        taken.add(self.nginx_port)
        origin = f"https://{LOOPBACK}:{self.nginx_port}" if nginx else ""
        self.env = production_environment(
            DATABASE_URL=self.database.url,
            REDIS_URL=self.redis.url,
            DJANGO_STATIC_ROOT=str(self.static_root),
            DJANGO_CSRF_TRUSTED_ORIGINS=origin,
            **(extra_env or {}),
        )
        self.app_servers = []
        for index in range(app_servers):
            port = free_port(taken)
            taken.add(port)
            self.app_servers.append(AppServer(f"node-{'abcdefgh'[index]}", port, self.env, self.workdir))
        self.nginx = Nginx(self.nginx_port, self.static_root, self.workdir) if nginx else None

    def start(self, log=print):
        """The deploy steps of deploy/README.md, in its order."""
        started = time.monotonic()
        self.database.create()
        self.redis.empty()
        log(f"database {self.database.name}, Redis database {self.redis.number}, files in {self.workdir}")
        manage("compilemessages", "--ignore=.venv", "-v0", env=self.env)
        manage("collectstatic", "--noinput", "-v0", env=self.env)
        manage("migrate", "--noinput", "-v0", env=self.env)
        for server in self.app_servers:
            server.start(wait=False)
        for server in self.app_servers:
            server.wait_until_up()
        log("app servers up: " + ", ".join(f"{s.name} {s.url}" for s in self.app_servers))
        if self.nginx:
            self.nginx.start(self.app_servers)
            log(f"nginx up: {self.nginx.url}")
        log(f"stack started in {time.monotonic() - started:.0f} s")
        return self

    def close(self):
        """Stop everything this stack started and drop its database; safe to call twice, and after a failure."""
        errors = []
        steps = ([self.nginx.stop] if self.nginx else []) + [server.stop for server in self.app_servers]
        steps += [self.database.drop, self.redis.empty, lambda: shutil.rmtree(self.workdir, ignore_errors=True)]
        for step in steps:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - clean up the rest whatever one step did
                errors.append(f"{getattr(step, '__qualname__', step)}: {error}")
        if errors:
            print("Cleaning up: " + "; ".join(errors), file=sys.stderr)

    def rolling_restart(self, **overrides):
        """deploy/README.md, "Zero-downtime rolling restart": one app server at a time out of nginx's rotation,
        stopped gracefully, started (with ``overrides`` to its environment), healthy, and back in rotation."""
        for server in self.app_servers:
            self.nginx.reload([other for other in self.app_servers if other is not server])
            try:
                server.stop()
                server.start(**overrides)  # waits until /healthz answers 200
            finally:
                self.nginx.reload(self.app_servers)

    def state(self):
        """What another process needs to drive this stack (the scenario tests): JSON-ready."""
        return {
            "workdir": str(self.workdir),
            "database": self.database.name,
            "redis_db": self.redis.number,
            "env": self.env,
            "nginx_port": self.nginx_port,
            "app_servers": [{"name": server.name, "port": server.port} for server in self.app_servers],
        }

    @classmethod
    def attach(cls, state):
        """The stack another process started and described with ``state()``; ``close()`` it only there."""
        stack = cls.__new__(cls)
        stack.workdir = Path(state["workdir"])
        stack.static_root = Path(state["env"]["DJANGO_STATIC_ROOT"])
        stack.database = Database.__new__(Database)
        stack.database.name, stack.database.url, stack.database.created = (
            state["database"], state["env"]["DATABASE_URL"], False)
        stack.redis = RedisDatabase(state["redis_db"])
        stack.env = state["env"]
        stack.nginx_port = state["nginx_port"]
        stack.app_servers = [AppServer(s["name"], s["port"], stack.env, stack.workdir) for s in state["app_servers"]]
        stack.nginx = Nginx(stack.nginx_port, stack.static_root, stack.workdir) if stack.nginx_port else None
        return stack

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def production_environment(**values):
    """The environment of deploy/README.md: DEBUG off, a real random secret, HTTPS behind the proxy."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{LOOPBACK},localhost",
        "DJANGO_SECURE": "1",
        "DJANGO_CLIENT_IP_HEADER": "X-Real-IP",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "FORWARDED_ALLOW_IPS": LOOPBACK,
    })
    env.update({key: value for key, value in values.items() if value is not None})
    return env
