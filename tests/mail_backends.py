"""Email backends for the job tests: the in-memory backend, slowed down or out of order."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowBackend(EmailBackend):
    """The in-memory backend, slowed down so that two concurrent runs of a job overlap
    while they send (the runs start together at a barrier; this keeps them together)."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)
