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
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

TIMEOUT = 24 * 3600

# name -> the models whose writes change it ("app_label.Model"). Special cases below: User
# (only writes that can change who is active), ValueStory (only writes to an approved story,
# or that approve or withdraw one: drafts autosave often), the appointments' communities
# (m2m_changed), Activity (deletions only: they unlink stories without a signal).
DEPENDS_ON = {
    # home page: communities by stage, people, memberships, communities without a
    # coordinator, members per community (suggestions and "my communities")
    "program": ["communities.Community", "communities.Membership", "accounts.User"],
    # value matrix: the approved stories each viewer may read, their cycles and indicators
    "stories": [
        "value_stories.ValueStory",
        "value_stories.StoryIndicator",
        "communities.Community",
        "communities.Activity",
        "communities.Membership",  # what a member may read
        "sponsorship.Appointment",  # what a sponsor may read
    ],
}
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


def _names(label: str) -> list[str]:
    return [name for name, labels in DEPENDS_ON.items() if label in labels]


def _user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # Signing in saves last_login only: that changes no aggregate.
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    invalidate(*_names("accounts.User"))


_UNKNOWN = object()


def _story_loaded(sender, instance, **kwargs):
    # The status the story had when loaded (unknown when deferred; None when new).
    if instance.pk is None:
        instance._aggregate_status = None
    else:
        instance._aggregate_status = instance.__dict__.get("status", _UNKNOWN)


def _story_saved(sender, instance, **kwargs):
    from value_stories.choices import Status

    before = getattr(instance, "_aggregate_status", _UNKNOWN)
    if before is _UNKNOWN or Status.APPROVED in (before, instance.status):
        invalidate(*_names("value_stories.ValueStory"))
    instance._aggregate_status = instance.status


def connect() -> None:
    """Connect the receivers (from childcop's AppConfig.ready, in every process)."""
    from django.apps import apps

    from sponsorship.models import Appointment

    for label in {label for labels in DEPENDS_ON.values() for label in labels}:
        model = apps.get_model(label)
        names = tuple(_names(label))

        def receiver(sender, names=names, **kwargs):
            invalidate(*names)

        uid = f"childcop.aggregates:{label}"
        saved = {"accounts.User": _user_changed, "value_stories.ValueStory": _story_saved}
        if label == "value_stories.ValueStory":
            post_init.connect(_story_loaded, sender=model, dispatch_uid=uid, weak=False)
        if label not in DELETES_ONLY:
            post_save.connect(
                saved.get(label, receiver), sender=model, dispatch_uid=uid, weak=False
            )
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)

    def appointed(sender, action, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            invalidate(*_names("sponsorship.Appointment"))

    m2m_changed.connect(
        appointed,
        sender=Appointment.communities.through,
        dispatch_uid="childcop.aggregates:appointment-communities",
        weak=False,
    )
