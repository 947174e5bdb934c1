"""What the benchmark adds to the product it serves (`make bench`), and nothing else uses.

- `ServerTimingMiddleware`, outermost: the time the process spent on each request, from
  the first middleware in to the response out, in a `Server-Timing` header, with the
  number of SQL queries and the time spent in them. The load generator reads it, so the
  figures exclude the network and the client.
- `trivial`: the baseline page. Signed in, through the whole middleware stack (session,
  user, CSRF, messages…), no query of its own and a few bytes of HTML: what every page
  costs before it does anything. Pages are measured as multiples of it.

childcop.bench_settings puts both in place; the product's settings and URLs do not know them.
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


@require_GET
def trivial(request):
    """The baseline: a signed-in request that does nothing."""
    return HttpResponse(
        f"<!doctype html><title>ok</title><p>Signed in as {request.user.pk}.</p>",
        content_type="text/html; charset=utf-8",
    )
