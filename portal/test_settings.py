"""Settings for the test suite: production settings with test-only shortcuts."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from portal.settings import *  # noqa: E402,F403

# Hashed file names need collectstatic; tests render templates without running it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Two runs against one PostgreSQL server (two engineers, or CI beside a laptop) each get a test database of
# their own instead of dropping each other's; pytest-django still creates and drops it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    import secrets

    DATABASES["default"]["TEST"] = {  # noqa: F405
        **DATABASES["default"].get("TEST", {}),  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}_{secrets.token_hex(3)}",  # noqa: F405
    }
