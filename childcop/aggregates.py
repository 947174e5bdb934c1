"""Aggregates cached until the data under them changes.

Some pages show figures whose computation reads a number of rows that grows with the
program (the admin's home page counts people and memberships; the value matrix sums every
story's cycles) or with a community (its page and its sponsor dashboard card aggregate its
members, sessions, activities and level changes). They are computed once per *generation*
and kept in Django's cache:

- a generation is a row of `AggregateGeneration`: a name and a random token. The names are
  "program", "stories", "people" and "landscape" (program-wide) and "community:<id>" (one
  community). A page reads the tokens it needs in one query (by primary key);
- every write a generation depends on replaces its token with a new random one, in the
  writer's transaction: `post_save`/`post_delete` receivers connected here (DEPENDS_ON and
  COMMUNITY_SCOPED), and explicit `invalidate()`/`invalidate_communities()` calls where the
  code writes in bulk (`bulk_create`, `update` and fast deletes send no signal);
- a cached value is keyed by the tokens it was computed under. A value computed before a
  write is therefore never read after the write commits, whatever process computed it or
  reads it (the tokens live in the database, the values in any cache, per process or
  shared). Tokens are random, never counters: a rolled-back test or a restored database
  never revives an old value.

A community's retention page is computed from parts kept under two more generations of the
community, "community-settled:<id>" and "community-past:<id>": communities.landscape.
retention_parts connects the receivers that start them, and the code that writes its rows
in bulk calls its `invalidate()`. Someone joining or an activity logged starts neither.

"Needs you" (childcop.needs) is kept per person and per item function, under the
generations of the areas of the program the function reads ("needs:help", "needs:rhythm"…:
NEEDS_AREAS) and of "needs", which every item reads. A write to a model of an area starts a
new generation of that area ("needs:<area>"); a write to a model of no area, and an
`invalidate()` that does not say which area it changes, of "needs": every item again.

Values that depend on the time of day as well (a 12-month window up to now) carry a time
bucket in their key: they are recomputed at least once an hour. Values expire after a day.

Rendered fragments (the heartbeat, the dashboard's cards, the overview's table) are cached
by their templates (`{% cache %}`) under a key naming everything they show: the key of the
cached value they are drawn from (`cached_per_community(..., with_keys=True)`: it names
the generation) and `fragment_key()` of the rest — what the viewer may see, the query
string, the day, the language and time zone. Their parts are included with `only`, so that
they cannot show anything the key does not name: a cached fragment never shows one
person's view to another.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from django.utils import timezone, translation

from childcop import warming

TIMEOUT = 24 * 3600
PREFIX = "childcop:aggregate"

# Program-wide generations -> the models whose writes change them ("app_label.Model").
# Special cases below: User (only writes that can change what is shown of a person, not
# signing in), the appointments' communities (m2m_changed).
DEPENDS_ON = {
    # the program's communities (the home page's figures are assembled from a part per
    # community: their members, coordinators, stage)
    "program": ["communities.Community"],
    # value matrix: whose stories each viewer may read (the stories themselves, their
    # cycles and indicators are per community: COMMUNITY_SCOPED, `_story_saved`)
    "stories": [
        "communities.Community",
        "communities.Membership",  # what a member may read
        "sponsorship.Appointment",  # what a sponsor may read
    ],
    # people's names and titles, shown in cached community summaries; the number of people
    "people": ["accounts.User"],
    # the latest landscape of practice (nightly), on the sponsor dashboard's cards
    "snapshot": ["communities.LandscapeSnapshot"],
    # the home page's recent stage changes (the communities' names, who changed them)
    "stage-changes": ["communities.StageChange", "communities.Community", "accounts.User"],
    # the landscape's fragments as the social learning team sees them (communities.
    # landscape.views.generations): communities' names and stages, people's names (the
    # brokers), the sponsors its filter offers; the rest comes from the nightly snapshot
    "landscape": ["communities.Community", "accounts.User", "sponsorship.Appointment"],
}

NEEDS = "needs"
# The areas "Needs you" reads: a write to one of their models starts a new generation of
# "needs:<area>", and the item functions that read the area compute their items again
# (childcop.needs.items.reads). A model in none starts a new generation of "needs".
NEEDS_AREAS = {
    "community": ["communities.Community"],  # names, settings (grace days, commitments)
    "people": ["accounts.User"],  # names
    "membership": [
        "communities.Membership",
        "communities.Departure",
        "communities.LevelChange",
        "communities.LeadershipAssignment",
    ],
    "help": ["communities.HelpRequest", "communities.Answer"],
    "agenda": [
        "communities.AgendaItem",
        "communities.VotingRound",
        "communities.VoteAllowance",
        "communities.Vote",
    ],
    "stories": ["value_stories.ValueStory"],
    "groups": [
        "practice_groups.PracticeGroup",
        "practice_groups.ProgressReport",
        "practice_groups.ReportResponse",
    ],
    "health": [
        "communities.HealthCheck",
        "communities.HealthCheckResponse",
        "communities.HealthStatus",
        "communities.SupportRequest",
        "communities.ProgramReport",
    ],
    "rhythm": [
        "communities.Rhythm",
        "communities.Session",
        "communities.Activity",
        "communities.AttendanceImport",
    ],
    "stewardship": ["communities.LaunchPlan", "communities.ActionItem", "communities.PdcaReview"],
    "sponsorship": [
        "sponsorship.Appointment",
        "sponsorship.SponsorResponse",
        "sponsorship.Commitment",
        "sponsorship.Agreement",
        "sponsorship.BusinessCaseVersion",
    ],
}
# The areas whose writes also say in which community (`where`): "needs:<area>:<id>", or
# "needs:<area>:?" when a write cannot tell. An item function that reads only the person's
# own communities (`reads(…, mine=True)`) keeps its items under those generations of its
# communities, so a write elsewhere in the program leaves them as they are.
NEEDS_EACH_COMMUNITY = {"community", "membership", "help", "agenda", "stories", "rhythm"}
# How to find the community of a row of those areas that is not COMMUNITY_SCOPED.
NEEDS_WHERE = {
    "communities.AgendaItem": {"community": "community_id"},
    "communities.HelpRequest": {"community": "community_id"},
    "communities.Answer": {"via": ("communities.HelpRequest", "request_id")},
    "communities.VotingRound": {"community": "community_id"},
    "communities.VoteAllowance": {"via": ("communities.VotingRound", "round_id")},
    "communities.Vote": {"via": ("communities.VotingRound", "round_id")},
    "communities.AttendanceImport": {"via": ("communities.Activity", "activity_id")},
}
# Models no item of "Needs you" reads: their writes start no generation of it.
NEEDS_NONE = {
    "communities.Attendance",
    "communities.LandscapeSnapshot",
    "communities.Objective",
    "communities.StageChange",
    "value_stories.StoryIndicator",
}
_AREA_OF = {label: area for area, labels in NEEDS_AREAS.items() for label in labels}


def needs_name(area: str, community=None) -> str:
    """The generation of one area of "Needs you"; with `community` (an area of
    NEEDS_EACH_COMMUNITY), of that area in that community ("?": in a community unknown)."""
    return f"needs:{area}" if community is None else f"needs:{area}:{community}"


_EACH = {needs_name(area) for area in NEEDS_EACH_COMMUNITY}


NEEDS_NAMES = [NEEDS, *(needs_name(area) for area in NEEDS_AREAS)]


def needs_of(label: str) -> str | None:
    """The generation of "Needs you" a write to the model `label` starts: its area's,
    "needs" for a model of no area, None for a model no item reads."""
    if label in NEEDS_NONE:
        return None
    return needs_name(_AREA_OF[label]) if label in _AREA_OF else NEEDS


# Every community's generation at once: a new one with any community's (values assembled
# from a part per community are kept under it: `childcop.parts`).
COMMUNITIES = "communities"

# "Needs you" reads these besides the models above: a write to any of them starts a new
# generation of its area (value-creation stories: see `_story_saved`). Deletions too, but
# for the rows that go in cascades of many (answers, responses): their parent's deletion
# starts it then.
NEEDS_ALSO = [
    "communities.AgendaItem",
    "communities.HelpRequest",
    "communities.Answer",
    "communities.VotingRound",
    "communities.VoteAllowance",
    "communities.Vote",
    "communities.AttendanceImport",
    "communities.HealthCheck",
    "communities.HealthCheckResponse",
    "communities.HealthStatus",
    "communities.ProgramReport",
    "communities.SupportRequest",
    "communities.LaunchPlan",
    "communities.ActionItem",
    "communities.PdcaReview",
    "practice_groups.PracticeGroup",
    "practice_groups.ProgressReport",
    "practice_groups.ReportResponse",
    "sponsorship.Appointment",
    "sponsorship.SponsorResponse",
    "sponsorship.Commitment",
]
NEEDS_SAVES_ONLY = {"communities.Answer", "communities.HealthCheckResponse"}

# Models whose rows belong to one community: a write starts a new generation of
# "community:<id>" (community page and sponsor dashboard summaries). How to find the
# community of a row; `saves_only` where deletions come in cascades (a receiver would make
# Django delete those rows one by one), the cascade's parent bumps the community then.
COMMUNITY_SCOPED = {
    "communities.Community": {"community": "pk"},
    "communities.Membership": {"community": "community_id"},
    "communities.Departure": {"community": "community_id"},
    "communities.Objective": {"community": "community_id"},
    "communities.StageChange": {"community": "community_id"},
    "communities.Rhythm": {"community": "community_id"},
    "communities.Session": {"community": "community_id"},
    "communities.Activity": {"community": "community_id"},
    "communities.LevelChange": {"community": "community_id", "saves_only": True},
    "communities.LeadershipAssignment": {"via": ("communities.Membership", "membership_id")},
    # the product writes attendance in bulk (explicit invalidations); single saves too
    "communities.Attendance": {"via": ("communities.Activity", "activity_id"), "saves_only": True},
    "sponsorship.BusinessCaseVersion": {"community": "community_id"},
    "sponsorship.Commitment": {"via": ("sponsorship.Agreement", "agreement_id")},
    "sponsorship.Agreement": {"community": "community_id"},
    # approved stories (the value matrix's parts): saves in `_story_saved` (only writes to
    # an approved story, or that approve or withdraw one: drafts autosave often); their
    # indicators' writes when the story is approved (`_indicator_changed`)
    "value_stories.ValueStory": {"community": "community_id", "deletes_only": True},
}


def _new_token() -> str:
    return uuid.uuid4().hex


def tokens(names) -> dict[str, str]:
    """The current token of each name: one query (three when a name is used first)."""
    from .models import AggregateGeneration

    names = list(dict.fromkeys(names))
    rows = AggregateGeneration.objects.filter(pk__in=names)
    if len(names) > 20 and connection.vendor == "postgresql":
        # one array parameter rather than hundreds (a part per community: childcop.parts)
        rows = AggregateGeneration.objects.extra(where=["name = ANY(%s)"], params=[names])
    found = dict(rows.values_list("name", "token"))
    missing = [name for name in names if name not in found]
    if missing:
        # First use: create the rows (a concurrent writer's rows win), then read them.
        AggregateGeneration.objects.bulk_create(
            [AggregateGeneration(name=name, token=_new_token()) for name in missing],
            ignore_conflicts=True,
        )
        found.update(
            AggregateGeneration.objects.filter(pk__in=missing).values_list("name", "token")
        )
    return found


def token(name: str) -> str:
    return tokens([name])[name]


def program_time_zone():
    """Cached values are shared by every viewer, whatever their own time zone: they are
    computed in the program's (months, days and hours of the program's calendar)."""
    return timezone.override(settings.TIME_ZONE)


def cached(name: str, key: str, compute, *, current: str | None = None, timeout=TIMEOUT):
    """`compute()`'s value for (name, key), computed at most once per generation of `name`.
    The value must be picklable (plain data, not querysets). `current`: the name's token,
    when the caller read it already (with others, in one query). A value computed for one
    person (whose key names them) may say `current=` and keep their time zone: see
    `personal`."""
    cache_key = f"{PREFIX}:{name}:{current or token(name)}:{key}"
    value = cache.get(cache_key)
    if value is None:
        with program_time_zone():
            value = compute()
        cache.set(cache_key, value, timeout)
    return value


def personal(name: str, key: str, compute, *, current: str | None = None, timeout=TIMEOUT):
    """Like `cached`, for a value computed for one person as they see it (their language
    and time zone are part of the key, and `compute` runs in them)."""
    cache_key = (
        f"{PREFIX}:{name}:{current or token(name)}:{key}:"
        f"{translation.get_language()}:{timezone.get_current_timezone_name()}"
    )
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, timeout)
    return value


def cached_per_community(
    kind: str, ids, compute_many, *, also=("people",), bucket="", with_keys=False, current=None
):
    """{id: value} for the communities `ids`; the missing values are computed together by
    `compute_many(missing_ids) -> {id: value}` (a fixed number of queries for a batch).

    A value is keyed by its community's token, the tokens of the program-wide names in
    `also`, and `bucket` (e.g. the current hour, for values that depend on the time).
    One query for the tokens (none when the caller read them: `current`), one cache round
    trip. `with_keys`: ({id: value}, {id: its key}), for fragments rendered from the
    values."""
    ids = list(ids)
    names = [f"community:{pk}" for pk in ids] + list(also)
    if current is None or any(name not in current for name in names):
        current = tokens(names)
    shared = ":".join(current[name] for name in also)
    keys = {
        pk: f"{PREFIX}:{kind}:{pk}:{current[f'community:{pk}']}:{shared}:{bucket}" for pk in ids
    }
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in values]
    if missing:
        with program_time_zone():
            computed = compute_many(missing)
        cache.set_many({keys[pk]: computed[pk] for pk in missing}, TIMEOUT)
        values.update(computed)
    return (values, keys) if with_keys else values


def fragment_key(*parts) -> str:
    """A digest of what a rendered fragment shows beyond its cached value (plain data:
    texts, numbers, dates, lists of them), with the active language and time zone.
    Equal parts give equal keys in every process."""
    text = json.dumps(
        [translation.get_language(), timezone.get_current_timezone_name(), *parts], default=str
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def invalidate(*names: str, needs: str | None = NEEDS, where=None) -> None:
    """Start a new generation of each named aggregate (in the caller's transaction), and of
    `needs` (a generation of "Needs you": `needs_of`; "needs", all of it, unless the caller
    says which area it changes; None: none) — for an area of NEEDS_EACH_COMMUNITY, in the
    communities `where` too (in a community unknown when not given); of "communities" too
    when a community's."""
    from .models import AggregateGeneration

    names = list(names) + ([needs] if needs else [])
    written = [int(name[10:]) for name in names if name.startswith("community:")]
    if written:
        names.append(COMMUNITIES)
    if needs in _EACH:
        where = [pk for pk in where or () if pk is not None]
        names += [f"{needs}:{pk}" for pk in where] if where else [f"{needs}:?"]
        written += where
    if not names:
        return
    warming.written(written)  # computed again once the request's view has answered
    AggregateGeneration.objects.bulk_create(
        # in one order, whoever writes: two writers' transactions never wait for each other
        [AggregateGeneration(name=name, token=_new_token()) for name in sorted(set(names))],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token"],
    )


def invalidate_communities(ids, *, needs: str | None = NEEDS) -> None:
    """A new generation of each community's summaries (after bulk writes to its rows), and
    of `needs` (see `invalidate`). Nothing without a community."""
    ids = [pk for pk in ids if pk is not None]
    if ids:
        invalidate(*(f"community:{pk}" for pk in ids), needs=needs, where=ids)


def invalidate_needs(area: str) -> None:
    """A new generation of one area of "Needs you" (after a bulk write to its models)."""
    invalidate(needs=needs_name(area))


# --- receivers ---------------------------------------------------------------------------


def _names(label: str) -> list[str]:
    return [name for name, labels in DEPENDS_ON.items() if label in labels]


def _user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # Signing in saves last_login only: that changes no aggregate.
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    names = _names("accounts.User")
    if created:  # a new person is in no landscape yet (its snapshot is nightly)
        names = [name for name in names if name != "landscape"]
    invalidate(*names, needs=needs_of("accounts.User"))


_UNKNOWN = object()


def _story_loaded(sender, instance, **kwargs):
    # The status and title the story had when loaded (unknown when deferred; None when new).
    if instance.pk is None:
        instance._aggregate_status = instance._aggregate_title = None
        instance._aggregate_community = None
    else:
        instance._aggregate_status = instance.__dict__.get("status", _UNKNOWN)
        instance._aggregate_title = instance.__dict__.get("title", _UNKNOWN)
        instance._aggregate_community = instance.__dict__.get("community_id", _UNKNOWN)


def _story_saved(sender, instance, created=False, **kwargs):
    """An approved story's change is its community's (the value matrix's part, and so
    "needs"'); any other change
    of status or title, or a new story, is only "Needs you"'s (drafts, stories to review):
    a draft's autosave that changes neither starts no generation."""
    from value_stories.choices import Status

    before = getattr(instance, "_aggregate_status", _UNKNOWN)
    title = getattr(instance, "_aggregate_title", _UNKNOWN)
    needs = needs_of("value_stories.ValueStory")
    # a story moved to another community (the admin site): the one it left changes too
    moved_from = getattr(instance, "_aggregate_community", None)
    if moved_from in (_UNKNOWN, instance.community_id):
        moved_from = None
    if before is _UNKNOWN or Status.APPROVED in (before, instance.status):
        invalidate_communities([instance.community_id, moved_from], needs=needs)
    elif created or moved_from or before != instance.status or title != instance.title:
        invalidate(needs=needs, where=[instance.community_id, moved_from])
    instance._aggregate_status, instance._aggregate_title = instance.status, instance.title
    instance._aggregate_community = instance.community_id


def _indicator_changed(sender, instance, **kwargs):
    """An indicator of an approved story: its community's part of the value matrix. (Its
    story deleted with it: the story's deletion starts the community's new generation.)"""
    from value_stories.choices import Status
    from value_stories.models import ValueStory

    invalidate_communities(
        ValueStory.objects.filter(pk=instance.story_id, status=Status.APPROVED).values_list(
            "community_id", flat=True
        ),
        needs=needs_of("value_stories.StoryIndicator"),
    )


# Called with (the model's label, the community's id) when a row moves out of a community
# (`_community_left`), by what keeps more than a community's generation (its retention).
LEFT = []


def _community_left(label, rule, *, scoped=True):
    """A pre_save receiver: a row moved to another community (the admin site lets a
    membership, an activity, a help request or a commitment be moved: to another
    community, or to a parent row of another one) starts a new generation of the community
    it leaves, besides the one it joins (the post_save receiver): of its summaries and its
    areas of "Needs you" (`scoped`: a COMMUNITY_SCOPED row), else of those areas only. One
    query (two through a parent row), for a save of a row that exists and may move."""
    from django.apps import apps

    parent = None
    if "via" in rule:
        parent_label, attname = rule["via"]
        parent = apps.get_model(parent_label)
    else:
        attname = rule["community"]
    field = attname.removesuffix("_id")
    needs = needs_of(label)

    def receiver(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and field not in update_fields:
            return
        before = sender.objects.filter(pk=instance.pk).values_list(attname, flat=True).first()
        if before is None or before == getattr(instance, attname):
            return
        if parent is not None:  # the community of the parent row it leaves
            before = parent.objects.filter(pk=before).values_list("community_id", flat=True).first()
        if before is None:
            return
        if scoped:
            invalidate_communities([before], needs=needs)
            for left in LEFT:
                left(label, before)
        else:
            invalidate(needs=needs, where=[before])

    return receiver


def _community_of(rule):
    """A function of a row: the ids of its community (`rule`: COMMUNITY_SCOPED's)."""
    from django.apps import apps

    if "via" in rule:
        label, attname = rule["via"]
        parent = apps.get_model(label)

        def community_of(instance):
            parent_id = getattr(instance, attname)
            return list(parent.objects.filter(pk=parent_id).values_list("community_id", flat=True))

        return community_of
    return lambda instance: [getattr(instance, rule["community"])]


def _community_receiver(label, rule):
    needs, community_of = needs_of(label), _community_of(rule)

    def receiver(sender, instance, **kwargs):
        invalidate_communities(community_of(instance), needs=needs)

    return receiver


def connect() -> None:
    """Connect the receivers (from childcop's AppConfig.ready, in every process)."""
    from django.apps import apps

    from sponsorship.models import Appointment

    for label in {label for labels in DEPENDS_ON.values() for label in labels}:
        model = apps.get_model(label)
        names, needs = tuple(_names(label)), needs_of(label)
        if label in COMMUNITY_SCOPED and not set(COMMUNITY_SCOPED[label]) - {"community"}:
            needs = None  # its receiver below says in which community

        def receiver(sender, names=names, needs=needs, **kwargs):
            invalidate(*names, needs=needs)

        uid = f"childcop.aggregates:{label}"
        saved = _user_changed if label == "accounts.User" else receiver
        post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)

    for label, rule in COMMUNITY_SCOPED.items():
        model = apps.get_model(label)
        receiver = _community_receiver(label, rule)
        uid = f"childcop.aggregates:community:{label}"
        if not rule.get("deletes_only"):
            post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
            if "via" in rule or rule["community"] != "pk":  # a row that may move
                pre_save.connect(
                    _community_left(label, rule), sender=model, dispatch_uid=uid, weak=False
                )
        if not rule.get("saves_only"):
            post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    indicator = apps.get_model("value_stories.StoryIndicator")
    uid = "childcop.aggregates:community:value_stories.StoryIndicator"
    post_save.connect(_indicator_changed, sender=indicator, dispatch_uid=uid, weak=False)
    post_delete.connect(_indicator_changed, sender=indicator, dispatch_uid=uid, weak=False)
    story = apps.get_model("value_stories.ValueStory")
    uid = "childcop.aggregates:value_stories.ValueStory"
    post_init.connect(_story_loaded, sender=story, dispatch_uid=uid, weak=False)
    post_save.connect(_story_saved, sender=story, dispatch_uid=uid, weak=False)

    for label in NEEDS_ALSO:
        model, needs = apps.get_model(label), needs_of(label)

        where = _community_of(NEEDS_WHERE[label]) if label in NEEDS_WHERE else None

        def needs_changed(sender, instance, needs=needs, where=where, **kwargs):
            invalidate(needs=needs, where=where(instance) if where else None)

        uid = f"childcop.aggregates:needs:{label}"
        post_save.connect(needs_changed, sender=model, dispatch_uid=uid, weak=False)
        if label in NEEDS_WHERE:  # a row that may move
            left = _community_left(label, NEEDS_WHERE[label], scoped=False)
            pre_save.connect(left, sender=model, dispatch_uid=uid, weak=False)
        if label not in NEEDS_SAVES_ONLY:
            post_delete.connect(needs_changed, sender=model, dispatch_uid=uid, weak=False)
    for label in {*_AREA_OF, *NEEDS_NONE, *NEEDS_WHERE}:
        apps.get_model(label)  # every model named exists
    for area in NEEDS_EACH_COMMUNITY:  # a write of every model of these areas says where
        unsaid = set(NEEDS_AREAS[area]) - set(COMMUNITY_SCOPED) - set(NEEDS_WHERE)
        assert not unsaid, f"say in which community these write: {unsaid}"

    def appointed(sender, action, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            invalidate(
                *_names("sponsorship.Appointment"), needs=needs_of("sponsorship.Appointment")
            )

    m2m_changed.connect(
        appointed,
        sender=Appointment.communities.through,
        dispatch_uid="childcop.aggregates:appointment-communities",
        weak=False,
    )
