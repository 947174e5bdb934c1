"""Settings of the processes a fault test starts (web, worker, one-off commands): the real
production settings, on the databases and broker the test gives them through the
environment, with email written to files (EMAIL_FILE_PATH), each message slowed down by
FAULT_MAIL_DELAY seconds so that a test can stop a worker in the middle of a job."""

import os

os.environ.setdefault("CHILDCOP_TESTING", "1")  # the development secret is accepted

from childcop.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "tests.mail_backends.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["FAULT_MAIL_DIR"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("FAULT_FAST_RESTORE"):
    # A worker that sweeps Redis for jobs whose worker vanished every second, finding them
    # after 2 s instead of CELERY_VISIBILITY_TIMEOUT (production sweeps every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": 2,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    # Look for new messages every 0.1 s rather than every second (as the suite's worker).
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "polling_interval": 0.1}  # noqa: F405
