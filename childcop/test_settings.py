"""Settings for the test suite: the real settings, with fast hashing and captured email."""

import os
import secrets
import tempfile

os.environ["CHILDCOP_TESTING"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
# A private folder per test run: its own filesystem broker queue, so that two runs on one
# machine never consume each other's jobs.
os.environ.setdefault("CHILDCOP_VAR_DIR", tempfile.mkdtemp(prefix="childcop-test-"))

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
CELERY_TASK_ALWAYS_EAGER = True  # unit tests; the worker tests run a real worker
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not pytest-django's in-memory default: WAL mode, so that concurrent writers
    # (a real worker, two job runs at once) wait for each other as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
