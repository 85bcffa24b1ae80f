"""Settings come from the environment; a server never runs on a made-up secret key."""

import os
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


def test_offline_management_commands_run_without_a_secret_key():
    assert run("manage.py", "check").returncode == 0


def test_database_and_cache_come_from_the_environment():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup(); "
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.DEBUG)")
    result = run("-c", code, DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db",
                 REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.split() == ["django.db.backends.postgresql", "portal.cache.ResilientRedisCache",
                                     "False"]
