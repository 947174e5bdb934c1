"""Email backends for the job tests: the in-memory backend, slowed down or out of order."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend


class SlowBackend(EmailBackend):
    """The in-memory backend, slowed down so that two concurrent runs of a job overlap
    while they send (the runs start together at a barrier; this keeps them together)."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


class SlowFileBackend(FileBackend):
    """Django's file backend, each message written FAULT_MAIL_DELAY seconds after it is
    sent: a worker killed in between has not sent it (the fault tests)."""

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("FAULT_MAIL_DELAY", "0")))
        return super().send_messages(messages)
