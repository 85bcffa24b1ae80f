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
# Tests do not run collectstatic: whitenoise serves straight from the app and project static folders.
WHITENOISE_USE_FINDERS = True
