"""The test settings: two test runs against one PostgreSQL server never share a test database."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from portal.test_settings import unique_test_database_name

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def environment(**extra):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **extra}


def test_each_run_on_postgresql_names_a_test_database_of_its_own():
    assert unique_test_database_name("portal") != unique_test_database_name("portal")
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.test_settings'\n"
            "django.setup()\n"
            "from django.conf import settings\n"
            "print(os.getpid(), settings.DATABASES['default']['TEST']['NAME'])")
    env = environment(DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    pid, name = result.stdout.split()
    assert re.fullmatch(rf"test_portal_{pid}_[0-9a-f]{{6}}", name)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the suite is running on SQLite")
def test_the_test_database_is_dropped_at_the_end_of_the_run(tmp_path):
    import psycopg

    seen = tmp_path / "database-name"
    test_file = tmp_path / "test_database_name.py"
    test_file.write_text(
        "from django.db import connection\n\n"
        "def test_write_the_name(db):\n"
        f"    open({str(seen)!r}, 'w').write(connection.settings_dict['NAME'])\n"
    )
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nomigrations", "-p", "no:cacheprovider",
                          "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(test_file)],
                         cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    name = seen.read_text()
    assert name.startswith("test_") and name != settings.DATABASES["default"]["NAME"]

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"] or "localhost", port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"], dbname="postgres") as server:
        assert server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None
