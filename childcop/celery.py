"""The Celery app: settings come from Django's (CELERY_ namespace); tasks from each app's tasks.py."""

import logging
import os

from celery import Celery, signals
from celery.contrib.django.task import DjangoTask

from childcop import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childcop.settings")


class OutboxTask(DjangoTask):
    """A task whose sending never fails a request: when the broker cannot be reached the
    job waits in the database and is sent once the broker is back (childcop.outbox). A
    Django task still (`delay_on_commit`: sent once the transaction commits)."""

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, *rest, **options)
        from childcop import outbox

        try:
            return super().apply_async(args, kwargs, *rest, **options)
        except outbox.BROKER_DOWN:
            outbox.keep(self.name, args, kwargs)
            return None


broker.register()  # the embedded broker writes each message whole (childcop.broker)
app = Celery("childcop", task_cls=OutboxTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_development_secret(**kwargs):
    from childcop.checks import refuse_development_secret

    refuse_development_secret()


@signals.worker_init.connect
@signals.beat_init.connect
def _worker_statement_timeout(**kwargs):
    """Jobs may run longer than a web request: the worker's and beat's own statement timeout."""
    from django.conf import settings
    from django.db import connections

    options = connections["default"].settings_dict.get("OPTIONS", {})
    if "statement_timeout" in options.get("options", ""):
        options["options"] = f"-c statement_timeout={settings.DATABASE_WORKER_STATEMENT_TIMEOUT}"


@signals.worker_ready.connect
def _send_pending(**kwargs):
    """A worker that starts sends what waited while the broker was unreachable."""
    from childcop import outbox

    try:
        outbox.send_pending()
    except Exception:  # noqa: BLE001 — the worker starts anyway; beat drains it every minute
        logging.getLogger(__name__).exception("Could not send the jobs kept in the database")
