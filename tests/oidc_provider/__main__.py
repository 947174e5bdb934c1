import json
import os

import django
from django.core.management import call_command
from django.core.servers.basehttp import run

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
django.setup()


def main():
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in json.loads(os.environ["OIDC_PROVIDER_PEOPLE"]):
        first, _, last = person["name"].partition(" ")
        User.objects.create_user(
            username=person["email"],
            email=person["email"],
            password=person["password"],
            first_name=first,
            last_name=last,
        )
    Application.objects.create(
        name="childcop",
        client_id=os.environ["OIDC_PROVIDER_CLIENT_ID"],
        client_secret=os.environ["OIDC_PROVIDER_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDC_PROVIDER_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", int(os.environ["OIDC_PROVIDER_PORT"]), WSGIHandler(), threading=True)


main()
