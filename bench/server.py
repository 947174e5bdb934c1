"""What the benchmark adds to the product it serves (`make bench`), and nothing else uses.

- `ServerTimingMiddleware`, outermost: the time the process spent on each request, from
  the first middleware in to the response out, in a `Server-Timing` header, with the
  number of SQL queries and the time spent in them. The load generator reads it, so the
  figures exclude the network and the client.
- `bare`: the baseline, "a trivial view served by the same process" (issue 8): signed
  in, through the whole middleware stack (session, user, CSRF, messages…), answered with
  a few bytes and no template. Pages are measured as multiples of it.
- `trivial`: the layout page, reported beside it: the product's layout with nothing in
  it, no query of its own: what every page of the layout costs before it does anything.
- `invalidate`: starts a new generation of every cached aggregate (childcop.aggregates),
  as a write would: the next view of a page is its first view after a write ("cold").

bench.settings puts both in place; the product's settings and URLs do not know them.
"""

from __future__ import annotations

import time

from django.db import connections
from django.http import HttpResponse
from django.views.decorators.http import require_GET


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with connections["default"].execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = (
            f"app;dur={elapsed * 1000:.3f}, "
            f'db;dur={counter["seconds"] * 1000:.3f};desc="{counter["queries"]} queries"'
        )
        return response


_EMPTY_PAGE = None


@require_GET
def trivial(request):
    """The layout page (reported beside the baseline): a signed-in page of the product's
    layout (base.html: navigation, messages, CSRF token) with nothing in it — no query
    and no logic of its own. Every product page pays this much before doing anything."""
    global _EMPTY_PAGE
    if _EMPTY_PAGE is None:
        from django.template import engines

        _EMPTY_PAGE = engines["django"].from_string(
            '{% extends "base.html" %}{% block title %}Baseline{% endblock %}'
            "{% block content %}<p>Nothing here.</p>{% endblock %}"
        )
    return HttpResponse(_EMPTY_PAGE.render({}, request))


@require_GET
def bare(request):
    """The baseline the targets use: a signed-in request answered with a few bytes, no
    template at all."""
    return HttpResponse(
        f"<!doctype html><title>ok</title><p>Signed in as {request.user.pk}.</p>",
        content_type="text/html; charset=utf-8",
    )


@require_GET
def invalidate(request):
    """Every cached aggregate and summary is stale from now on (new random tokens)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE childcop_aggregategeneration "
            "SET token = md5(random()::text || clock_timestamp()::text)"
        )
    return HttpResponse(status=204)
