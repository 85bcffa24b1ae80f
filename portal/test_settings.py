"""Settings for the test suite: production settings with test-only shortcuts."""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from portal.settings import *  # noqa: E402,F403

# Hashed file names need collectstatic; tests render templates without running it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def unique_test_database_name(name):
    """test_<name>_<pid>_<random>: two runs against one PostgreSQL server (two engineers, or CI beside a
    laptop) each get a test database of their own instead of dropping each other's."""
    return f"test_{name}_{os.getpid()}_{secrets.token_hex(3)}"


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # pytest-django still creates it at the start and drops it at the end.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        **DATABASES["default"].get("TEST", {}),  # noqa: F405
        "NAME": unique_test_database_name(DATABASES["default"]["NAME"]),  # noqa: F405
    }

# Tests do not run collectstatic: whitenoise serves straight from the app and project static folders.
WHITENOISE_USE_FINDERS = True
