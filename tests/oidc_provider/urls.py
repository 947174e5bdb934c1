import json
import os

from django.contrib.auth.views import LoginView
from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator

VERIFIED = {p["email"]: p["email_verified"] for p in json.loads(os.environ["OIDC_PROVIDER_PEOPLE"])}


class Validator(OAuth2Validator):
    """Claims about the person: their email (verified or not, as the provider knows) and name."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": VERIFIED[user.email],
            "name": f"{user.first_name} {user.last_name}".strip(),
        }


urlpatterns = [
    path("login/", LoginView.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
