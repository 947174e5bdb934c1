import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childcop.settings")
application = get_wsgi_application()

from childcop.checks import refuse_development_secret  # noqa: E402

refuse_development_secret()
