"""childcop, the project: settings, URLs, the Celery app, home and /healthz, and what every
app shares.

- `settings.py` (environment, embedded defaults), `urls.py`, `celery.py`, `checks.py`
  (production refuses the development secret), `wsgi.py`/`asgi.py`
- `accounts/`: the custom User, allauth's adapter, the people directory
- `permissions/`: who may do what (one module per area over a small core)
- `workflows.py`: the helper for each workflow's transitions table
- `mail.py`: the one path every email takes (claim once, render, send)
- `charts.py`: chart geometry, drawn by the templates in templates/charts/
- `aggregates.py`: cached aggregates keyed by tokens in the database
- `forms.py`: Bootstrap rendering of every form through Django's form-renderer API
- `views.py`: the home page per role, /healthz, the admin's sign-in redirect
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
