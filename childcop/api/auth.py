"""How the API knows who asks: `Authorization: Bearer <token>` (a personal access token),
and what the token lets through (its areas, reading only). The rules themselves are in
`childcop.permissions.api`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from childcop import permissions

from .models import ApiToken

KEYWORD = b"bearer"


# How often a token's last use is written.
LAST_USED_EVERY = timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    """A personal access token in the Authorization header. No header: anonymous (401 then,
    from the permission check); a malformed, unknown or revoked token, or one whose owner
    can no longer sign in: 401."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Send “Authorization: Bearer <token>”.")
        try:
            plaintext = words[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.objects.for_plaintext(plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token was revoked.")
        if not permissions.can_hold_tokens(token.user):
            raise exceptions.AuthenticationFailed("This token's account is inactive.")
        now = timezone.now()
        # "Last used" is shown to the minute: a reporting tool reading page after page
        # writes it once a minute, not on every request
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScope(BasePermission):
    """A token reads its areas only (the view's `area`), and reads only."""

    message = "This token does not read this area: create one that does on your profile."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not request.user.is_authenticated:
            return False
        if not permissions.token_allows_method(token, request.method):
            self.message = "This token is read-only."
            return False
        return permissions.token_reads_area(token, view.area)
