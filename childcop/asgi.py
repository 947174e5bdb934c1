import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childcop.settings")
application = get_asgi_application()

from childcop.checks import refuse_development_secret  # noqa: E402

refuse_development_secret()
