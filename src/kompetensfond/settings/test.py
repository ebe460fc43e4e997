"""Tests: SQLite in memory unless DATABASE_URL points at PostgreSQL."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # as in base.py
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
AXES_FAILURE_LIMIT = 5
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test sees every request as the views answer it: the kept-page cache is tested on its
# own (tests/core/test_response_cache.py), and sessions are renewed on every request (the
# renewal is tested in tests/core/test_hostile_input.py), so query counts do not depend on
# what an earlier request left behind.
RESPONSE_CACHE = False
SESSION_RENEW_SECONDS = 0
