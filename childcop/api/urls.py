"""/api/v1/ (namespace api): the endpoints, the OpenAPI schema and its documentation page;
/account/tokens/ (namespace tokens): a person's personal access tokens."""

from django.urls import path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from childcop.permissions import public

from . import docs, tokens
from .auth import BearerTokenAuthentication
from .views import ENDPOINTS, url_name


def api_view(view_class, **initkwargs):
    """An endpoint: reached with a token, not a session (so the sign-in requirement of the
    pages is the token's: 401 without one), GET and HEAD only (anything else 405)."""
    return public(require_safe(view_class.as_view(**initkwargs)))


schema_view = api_view(
    SpectacularJSONAPIView,
    authentication_classes=[BearerTokenAuthentication, SessionAuthentication],
    permission_classes=[IsAuthenticated],
)

api_patterns = [
    *(path(f"{address}/", api_view(view), name=url_name(address)) for address, view in ENDPOINTS),
    path("schema/", schema_view, name="schema"),
    path("", docs.documentation, name="docs"),
]

token_patterns = [
    path("", tokens.token_list, name="list"),
    path("new/", tokens.token_create, name="create"),
    path("<id:pk>/revoke/", tokens.token_revoke, name="revoke"),
]
