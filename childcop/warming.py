"""What a write changes, computed again by the request that wrote it, before anyone asks.

A write to one community's data starts a new generation of its shared values
(childcop.aggregates, "community:<id>"): the community page's summary, its sponsor
dashboard card, its part of the home page's program figures and its parts of the value
matrix. Left alone, the next person to open one of those pages would compute it: the
coordinator sent back to the community page after logging an activity, a sponsor opening
the dashboard. Instead, once the view of a web request that wrote to at most `WARM_MAX`
communities has answered, `WarmAfterWritesMiddleware` computes those values again for
them (the `WARMERS`), so every next view finds them ready.

Of the values computed for one person, only the coordinators' "Needs you" of those
communities is warmed (what a write in a community changes in "Needs you" is theirs
first); nobody knows who else will look next.

The writer's request pays this, once per request however many rows it wrote (the
benchmark's round of writes in its largest community takes about 100 ms, this
included). A request that writes to more communities (an import across the program), the
jobs and the commands warm nothing: the pages compute what they need, as before. A
warmer that fails is logged and never fails the request: the data is written, and the
page computes the value when asked. `settings.CHILDCOP_WARM_AFTER_WRITES` turns it off.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# At most this many communities written in one request are warmed (one person's writes
# touch one, now and then two: a member moved between communities).
WARM_MAX = 3

# Functions of a list of community ids that compute again what those communities' pages
# show, each as its page asks for it (so the next view finds it under its key).
WARMERS = [
    "communities.summary.warm",
    "childcop.views.warm_program_figures",
    "value_stories.services.warm_matrix",
    "communities.landscape.retention_parts.warm",
    "childcop.needs.roles.warm",  # the coordinators' "Needs you"
]

_written: ContextVar[set | None] = ContextVar("childcop_written_communities", default=None)


def written(ids) -> None:
    """Note that this request wrote to these communities' data (childcop.aggregates.
    invalidate); nothing outside a web request."""
    pending = _written.get()
    if pending is not None:
        pending.update(pk for pk in ids if pk is not None)


def warm(ids) -> None:
    """Compute again what the pages show of the communities `ids`; never raises."""
    for path in WARMERS:
        try:
            import_string(path)(list(ids))
        except Exception:  # noqa: BLE001 — the write stands; the page computes it when asked
            logger.exception("Warming %s after a write failed for communities %s", path, ids)


class WarmAfterWritesMiddleware:
    """After the view of a request that wrote to a few communities' data: `warm` them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _written.set(set())
        try:
            response = self.get_response(request)
            ids = _written.get()
        finally:
            _written.reset(token)
        if (
            settings.CHILDCOP_WARM_AFTER_WRITES
            and ids
            and len(ids) <= WARM_MAX
            and response.status_code < 500
        ):
            warm(sorted(ids))
        return response
