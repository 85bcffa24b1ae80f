"""gunicorn settings for the portal's app servers: `gunicorn -c deploy/gunicorn.conf.py`.

Every knob an operator turns comes from the environment, so one file serves a laptop
(`scripts/serve`), the cluster tests and production (see deploy/README.md).
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# WEB_CONCURRENCY is gunicorn's and most platforms' name for the number of worker processes.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# More than one thread turns the workers into gthread workers: more requests in flight per process.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is stuck (the slowest page takes well under a second):
# the worker is killed and replaced. nginx waits a little longer (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (stop) or SIGHUP (reload), workers finish the requests they hold for this long: a
# rolling restart drops nothing.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5  # gthread workers only; sync workers close after each response

# Recycle workers now and then, staggered, so no slow leak can grow for months. Not often: a new worker
# imports Django and fills its per-process caches (the rule book, templates, URL patterns) on its first
# requests, about a second during which the requests it took wait. At 2,000 a worker under load was
# replaced every few seconds, and those waits made the cluster's p99 latency 1-1.6 s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10

# nginx logs every request already; an access log here is for debugging one node.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Addresses of the proxies allowed to say a request came over HTTPS (X-Forwarded-Proto). Django
# itself reads the header through SECURE_PROXY_SSL_HEADER; the app servers must be reachable only
# from those proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Heartbeat files in memory: a slow disk must not make a healthy worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Several app servers on one host would fight over gunicorn's one default control socket; nothing uses it.
control_socket_disable = True
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal")
