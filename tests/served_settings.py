"""Settings of a server a test runs for real (gunicorn): the product's production settings,
with the test suite's password hasher, so that it signs in the people the test created."""

from childcop.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
