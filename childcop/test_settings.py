"""Settings for the test suite: the real settings, with fast hashing and captured email.

Each test process — the only one, or each pytest-xdist worker (gw0, gw1, …) — works in a
folder of its own, var/test/runs/<worker>-<pid>-…/ (removed when its session ends; see
tests/conftest.py): its own filesystem broker queue, so that two runs, or two workers of
one run, never consume each other's jobs. Each worker also has its own test database:
pytest-django adds the worker's id to the name (test_childcop_gw0 on PostgreSQL; the SQLite
file var/test/test_childcop_gw0), kept between runs for `--reuse-db`.
"""

import os
import secrets
import shutil
import tempfile
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_DIR = Path(__file__).resolve().parent.parent / "var" / "test"
(TEST_DIR / "runs").mkdir(parents=True, exist_ok=True)
for _stale in (TEST_DIR / "runs").glob("*-*-*"):  # left by a run that did not end: its pid is gone
    _pid = _stale.name.split("-")[1]
    if _pid.isdigit() and not Path(f"/proc/{_pid}").exists():
        shutil.rmtree(_stale, ignore_errors=True)

os.environ["CHILDCOP_TESTING"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
# Set in every process, not inherited: xdist's workers start with the controller's environment.
os.environ["CHILDCOP_VAR_DIR"] = tempfile.mkdtemp(
    prefix=f"{WORKER}-{os.getpid()}-", dir=TEST_DIR / "runs"
)

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
    # pytest-django appends the xdist worker's id (test_childcop_gw0, test_childcop_gw1).
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DIR / "test_childcop")}  # noqa: F405
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    # The real-worker tests: look for new messages every 0.1 s rather than every second.
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "polling_interval": 0.1}  # noqa: F405
# Sign-up as in production without configured domains, whatever DJANGO_DEBUG says (the
# Makefile sets it): people created by the tests sign in without verifying their address,
# so sign-up itself stays closed (childcop.accounts.adapter.signup_open); the tests that
# sign up configure it. Attendance-import invitations follow CHILDCOP_SIGNUP_OPEN.
CHILDCOP_SIGNUP_OPEN = True
CHILDCOP_SIGNUP_EMAIL_DOMAINS = []
ACCOUNT_EMAIL_VERIFICATION = "optional"
# A code of the 30 seconds before or after is accepted too (allauth's tolerance): a test
# that signs the same person in twice uses the next code rather than wait for it.
MFA_TOTP_TOLERANCE = 1
