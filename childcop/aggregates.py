"""Program-wide aggregates, cached until the data under them changes.

Some pages show figures over the whole program — the admin's home page counts people,
memberships and communities by stage, the value matrix sums every story's cycles — and
computing them reads a number of rows that grows with the program. They are computed once
per *generation* and kept in Django's cache:

- each aggregate has a name and a generation token, a row of `AggregateGeneration` read in
  one query (by primary key) when the aggregate is needed;
- every write the aggregate depends on replaces the token with a new random one, in the
  writer's transaction: `post_save`/`post_delete` receivers connected here for the models
  in DEPENDS_ON, and an explicit `invalidate()` where the code writes in bulk
  (`bulk_create`/`update` send no signals);
- a cached value is keyed by the token it was computed under. A value computed before a
  write is therefore never read after the write commits, whatever process computed it or
  reads it (the token lives in the database, the value in any cache, per process or shared).
  The token is random, not a counter, so a token is never reused: a test rolled back, a
  database restored, never revive an old value.

Cost: one primary-key query per aggregate per request (three on the first use of a name,
which creates its row). Values expire after a day anyway (some aggregates count "today").
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 24 * 3600

# name -> the models whose writes change it ("app_label.Model"; for User, only writes that
# can change who is active count, see _user_changed).
DEPENDS_ON = {
    # home page: communities by stage, people, memberships, communities without a
    # coordinator, members per community (suggestions and "my communities")
    "program": ["communities.Community", "communities.Membership", "accounts.User"],
    # value matrix: approved stories per community, visibility and cycle, their indicators
    "stories": [
        "value_stories.ValueStory",
        "value_stories.StoryIndicator",
        "communities.Community",
        "communities.Activity",  # deleting an activity unlinks its stories (no signal)
    ],
}
# Models whose deletions alone matter (saving an activity changes no story).
DELETES_ONLY = {"communities.Activity"}


def _new_token() -> str:
    return uuid.uuid4().hex


def token(name: str) -> str:
    from .models import AggregateGeneration

    current = AggregateGeneration.objects.filter(pk=name).values_list("token", flat=True).first()
    if current is None:
        # First use: create the row (a concurrent writer's row wins), then read it.
        AggregateGeneration.objects.bulk_create(
            [AggregateGeneration(name=name, token=_new_token())], ignore_conflicts=True
        )
        current = AggregateGeneration.objects.filter(pk=name).values_list("token", flat=True)[0]
    return current


def cached(name: str, key: str, compute):
    """`compute()`'s value for (name, key), computed at most once per generation of `name`.
    The value must be picklable (plain data, not querysets)."""
    cache_key = f"childcop:aggregate:{name}:{token(name)}:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, TIMEOUT)
    return value


def invalidate(*names: str) -> None:
    """Start a new generation of each named aggregate (in the caller's transaction)."""
    from .models import AggregateGeneration

    AggregateGeneration.objects.bulk_create(
        [AggregateGeneration(name=name, token=_new_token()) for name in names],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token"],
    )


def _user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # Signing in saves last_login only: that changes no aggregate.
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    invalidate(*[n for n, labels in DEPENDS_ON.items() if "accounts.User" in labels])


def connect() -> None:
    """Connect the receivers (from childcop's AppConfig.ready, in every process)."""
    from django.apps import apps

    by_model: dict[str, list[str]] = {}
    for name, labels in DEPENDS_ON.items():
        for label in labels:
            by_model.setdefault(label, []).append(name)
    for label, names in by_model.items():
        model = apps.get_model(label)
        if label == "accounts.User":
            receiver = _user_changed
        else:

            def receiver(sender, names=tuple(names), **kwargs):
                invalidate(*names)

        uid = f"childcop.aggregates:{label}"
        if label not in DELETES_ONLY:
            post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
