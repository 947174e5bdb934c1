"""Pages that moved: their old addresses answer a permanent redirect (301) to the new one,
keeping the query string (a bookmarked list keeps its filters)."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def moved_permanently(request, to):
    """Redirect to the URL named `to` (given by the URL pattern), with the same query."""
    url = reverse(to)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
