"""The Celery app: settings come from Django's (CELERY_ namespace); tasks from each app's tasks.py."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childcop.settings")

app = Celery("childcop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_development_secret(**kwargs):
    from childcop.checks import refuse_development_secret

    refuse_development_secret()
