"""Settings come from the environment; a server never runs on a made-up secret key."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120)


def test_a_server_refuses_to_start_without_a_secret_key():
    result = run("-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup()")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_the_demo_server_refuses_to_start_without_a_secret_key_too():
    result = run("manage.py", "serve_demo", "--noreload", "127.0.0.1:0")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_offline_management_commands_run_without_a_secret_key():
    assert run("manage.py", "check").returncode == 0


def test_database_and_cache_come_from_the_environment():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup(); "
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.DEBUG)")
    result = run("-c", code, DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db",
                 REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.split() == ["django.db.backends.postgresql", "core.cache.ResilientRedisCache",
                                     "False"]


def test_each_django_log_event_is_printed_once():
    """With DEBUG on (and off: Django's handlers decide by settings.DEBUG when a record comes)."""
    code = ("import django, logging, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'\n"
            "django.setup()\n"
            "from django.conf import settings\n"
            "for settings.DEBUG in (True, False):\n"
            "    logging.getLogger('django.utils.autoreload').info('Watching for file changes')\n"
            "    logging.getLogger('django.request').error('Internal Server Error: /zh-hans/')\n"
            "    logging.getLogger('django.server').info('\"GET /ru/ HTTP/1.1\" 200 8386')\n")
    result = run("-c", code, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    for reloader, error, request in (lines[:3], lines[3:]):
        assert (reloader, error) == ("Watching for file changes", "Internal Server Error: /zh-hans/")
        assert re.fullmatch(r'\[[^]]+\] "GET /ru/ HTTP/1.1" 200 8386', request)


PRODUCTION = {"DJANGO_SECRET_KEY": "k" * 20 + "production-like-secret-key-" + "x" * 30, "DJANGO_SECURE": "1",
              "DJANGO_ALLOWED_HOSTS": "portal.example.org"}


def test_check_deploy_with_production_settings_finds_nothing():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_hsts_is_one_year_with_subdomains_when_secure_and_configurable():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup(); "
            "from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE)")
    assert run("-c", code, **PRODUCTION).stdout.split() == ["31536000", "True", "True"]
    assert run("-c", code, **PRODUCTION, DJANGO_HSTS_SECONDS="600", DJANGO_HSTS_SUBDOMAINS="0").stdout.split() == [
        "600", "False", "True"]
