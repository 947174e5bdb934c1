"""The reporting API (api/): who holds personal access tokens, what a token may read.

The API adds no rule of its own about the program's data: each endpoint lists what its
token's owner may see through the same scoped querysets as the pages (`visible_communities_q`
for communities and what the members' pages show of them, `health_communities_q` for
indicators, flags and monthly reports, `visible_stories_q`, `visible_support_requests_q`).
What a token adds is a narrowing: it reads only the areas its owner picked when creating
it, and only reads (every method but GET and HEAD answers 405, and a read-only token is
refused any write, 403, should an endpoint ever take one).
"""

from __future__ import annotations

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def can_hold_tokens(user) -> bool:
    """Every signed-in, active person may create tokens: a token reads what they read."""
    return bool(user.is_authenticated and user.is_active)


def get_token_for_user(user, pk):
    """One of the user's own tokens (anyone else's does not exist for them: 404). Only its
    owner sees and revokes a token."""
    from django.shortcuts import get_object_or_404

    from childcop.api.models import ApiToken

    return get_object_or_404(ApiToken, pk=pk, user_id=user.pk)


def token_reads_area(token, area: str) -> bool:
    """Whether the token was given the area (`api.choices.Area`)."""
    return area in (token.areas or [])


def token_allows_method(token, method: str) -> bool:
    """A read-only token reads; nothing else (every token is read-only for now)."""
    return method in SAFE_METHODS or not token.read_only
