"""`build`: the role sections of "Needs you" a person needs, one after the other (each in
its module: `members` for the newcomer, member and core group; `leaders` for the
coordinator and launch work; `program` for the sponsor and the social learning team).

Each section is handed the person's scope (`Scope`: the ids of their communities, by
role) and asks one query per kind of item, bounded (`listed`, `first_rows`) and scoped by
those ids, so its cost does not grow with the number of communities. Where a rule counts
working days or per-community settings that SQL cannot say on every database, the query
narrows to a bounded set of candidates and Python decides, as the jobs that send the
emails do.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import astuple
from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from childcop import aggregates, permissions
from communities.choices import Stage

from .items import Need
from .leaders import coordinator, launch_work
from .members import core_group, member, newcomer, suggested_communities
from .program import commitments, program_admin, sponsor
from .scope import (
    NEWCOMER_DAYS,
    Scope,
)

logger = logging.getLogger(__name__)


def memberships_of(user, now=None, order_by=()) -> list:
    """The person's memberships with their communities (one query, in the order
    `order_by`). Those of a newcomer (not core, joined in the last NEWCOMER_DAYS days)
    carry what the newcomer's items show: the community's next session, its coordinator's
    name, and whether the person introduced themselves there (raised a challenge or asked
    for help); they are asked for those memberships only, in a second query (its
    subqueries cost more to build than the memberships themselves), none for someone who
    is nobody's newcomer."""
    from communities.choices import Level, SessionStatus
    from communities.models import AgendaItem, HelpRequest, Membership, Session

    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=NEWCOMER_DAYS)
    memberships = list(
        Membership.objects.filter(user=user).select_related("community").order_by(*order_by)
    )
    new = [
        m.pk
        for m in memberships
        if m.joined_on >= since and not m.is_coordinator and m.level != Level.CORE
    ]
    found = {}
    if new:
        next_session = Session.objects.filter(
            community=OuterRef("community"), status=SessionStatus.PLANNED, starts_at__gte=now
        ).order_by("starts_at", "pk")
        coordinator = (
            Membership.objects.filter(community=OuterRef("community"), is_coordinator=True)
            .exclude(user=user)
            .order_by("joined_on", "pk")
            .values("user__display_name")[:1]
        )
        introduced = Exists(
            AgendaItem.objects.filter(community=OuterRef("community"), raised_by=user)
        ) | Exists(HelpRequest.objects.filter(community=OuterRef("community"), asker=user))
        found = {
            pk: values
            for pk, *values in Membership.objects.filter(pk__in=new)
            .annotate(
                next_session_title=Subquery(next_session.values("title")[:1]),
                next_session_at=Subquery(next_session.values("starts_at")[:1]),
                coordinator_name=Subquery(coordinator),
                introduced=introduced,
            )
            .values_list(
                "pk", "next_session_title", "next_session_at", "coordinator_name", "introduced"
            )
        }
    for m in memberships:
        (m.next_session_title, m.next_session_at, m.coordinator_name, m.introduced) = found.get(
            m.pk, (None, None, None, True)
        )
    return memberships


def home_memberships(user):
    """The person's memberships as the home page lists them (coordinated first, then by
    name), with what a newcomer's items show (`memberships_of`)."""
    return memberships_of(user, order_by=("-is_coordinator", "community__name"))


def build(user, memberships=None, *, is_sponsor=None, now=None, kept=None) -> list[Need]:
    """Every item that needs `user` now. `memberships`: theirs from `memberships_of`, when
    the caller has them already (the home page); `is_sponsor` likewise. `kept`: a
    function of a `Kept` (given the scope) that keeps each item function's items."""
    if not (user.is_authenticated and user.is_active):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    if memberships is None:
        memberships = memberships_of(user, now)
    if is_sponsor is None:
        is_sponsor = permissions.is_sponsor(user)
    live = [m for m in memberships if m.community.stage != Stage.CLOSED]
    joined_since = today - timedelta(days=NEWCOMER_DAYS)
    scope = Scope(
        user=user,
        now=now,
        today=today,
        member=[m.community_id for m in live],
        core=[m.community_id for m in live if m.is_core],
        coordinator=[m.community_id for m in live if m.is_coordinator],
        newcomer=[m for m in live if not m.is_core and m.joined_on >= joined_since],
        communities={m.community_id: m.community for m in live},
        is_sponsor=is_sponsor,
        is_admin=permissions.is_program_admin(user),
    )
    if kept is not None:
        scope.kept = kept(scope)
    needs = []
    if not memberships and not (scope.is_admin or scope.is_sponsor):
        needs += suggested_communities(scope)
    if scope.newcomer:
        needs += newcomer(scope)
    if scope.member:
        needs += member(scope)
    if scope.core:
        needs += core_group(scope)
    if scope.coordinator:
        needs += coordinator(scope)
    needs += launch_work(scope)
    if scope.is_sponsor:
        needs += sponsor(scope)
    if scope.core or scope.is_sponsor or scope.is_admin:  # who owns the commitments
        needs += commitments(scope)
    if scope.is_admin:
        needs += program_admin(scope)
    return needs


# "Needs you" as the home page shows it is kept per person until anything it reads changes
# (the generations of "needs" and of the areas it reads, childcop.aggregates) and for at
# most this long: what becomes due or late with the passing of time appears within these
# minutes.
KEPT_MINUTES = 5


class Kept:
    """Keeps each item function's items (childcop.needs.items.reads) for one person and
    scope (in their language and time zone: `aggregates.personal`), under the generations
    of "needs" and of the areas the function reads, in this window of KEPT_MINUTES: after
    a write, the functions that read what it changed ask again, the others' items come
    from the cache."""

    def __init__(self, scope, current: dict, window: int, timeout: int):
        self.timeout = timeout
        self.base = f"{scope.digest()}:{window}"
        self.communities = sorted(scope.member)
        # the generations of the areas kept per community, in the person's communities
        # (one query when the caller did not read them: `token_names`)
        wanted = token_names(self.communities)
        missing = [name for name in wanted if name not in current]
        self.current = {**current, **aggregates.tokens(missing)} if missing else current

    def names(self, areas, mine: bool) -> list[str]:
        """The generations an item function's items are kept under: "needs", and each area
        it reads — in the person's communities only (and in communities unknown), for an
        area kept per community that a function of their own communities (`mine`) reads."""
        names = [aggregates.NEEDS]
        for area in areas:
            if mine and area in aggregates.NEEDS_EACH_COMMUNITY:
                names.append(aggregates.needs_name(area, "?"))
                names += [aggregates.needs_name(area, pk) for pk in self.communities]
            else:
                names.append(aggregates.needs_name(area))
        return names

    def __call__(self, name, areas, arguments, compute, *, mine=False):
        names = self.names(areas, mine)
        generations = hashlib.blake2b(
            repr([self.current[n] for n in names]).encode(), digest_size=16
        ).hexdigest()
        item = hashlib.blake2b(repr((name, arguments)).encode(), digest_size=16).hexdigest()
        return aggregates.personal(
            "needs-item", f"{item}:{self.base}", compute, current=generations,
            timeout=self.timeout,
        )  # fmt: skip


def token_names(community_ids) -> list[str]:
    """The generations "Needs you" is kept under for a person of these communities: every
    area's, and those of the areas kept per community in each of them."""
    where = ["?", *sorted(set(community_ids))]
    return [
        *aggregates.NEEDS_NAMES,
        *(
            aggregates.needs_name(area, pk)
            for area in sorted(aggregates.NEEDS_EACH_COMMUNITY)
            for pk in where
        ),
    ]


def for_person(user, memberships, *, is_sponsor, current=None, with_key=False):
    """`build(user, memberships, is_sponsor=…)`, kept for the person (in their language and
    time zone) at most KEPT_MINUTES, and until a write changes what it reads: the whole list
    under the generations of every area, each item function's items under those of the
    areas it reads. `current`: the tokens of `aggregates.NEEDS_NAMES`, when the caller read
    them already. No query when kept, but the tokens'. `with_key`: (the list, a key that
    changes whenever it may: the home page keeps the list as drawn under it)."""
    now = timezone.now()
    window = KEPT_MINUTES * 60
    bucket = int(now.timestamp()) // window
    current = current or aggregates.tokens(aggregates.NEEDS_NAMES)
    # the person's memberships as read now (their scope, and what a newcomer's items show,
    # which are not kept apart) and every area's generation
    mine = [
        (m.community_id, m.level, m.is_coordinator, m.joined_on, m.community.stage,
         getattr(m, "next_session_at", None), getattr(m, "next_session_title", None),
         getattr(m, "coordinator_name", None), getattr(m, "introduced", None))
        for m in memberships
    ]  # fmt: skip
    every = hashlib.blake2b(
        repr((mine, [current[name] for name in aggregates.NEEDS_NAMES])).encode(),
        digest_size=16,
    ).hexdigest()

    def compute():
        waiting = build(
            user, memberships, is_sponsor=is_sponsor, now=now,
            kept=lambda scope: Kept(scope, current, bucket, window),
        )  # fmt: skip
        # what the list says, as a key: the same after a write that changed none of it
        return waiting, aggregates.fragment_key(user.pk, [astuple(need) for need in waiting])

    key = f"for:{user.pk}:{int(bool(is_sponsor))}:{bucket}"
    waiting, said = aggregates.personal(
        aggregates.NEEDS, key, compute, current=every, timeout=window
    )
    return (waiting, said) if with_key else waiting


# The coordinators of a community written to whose "Needs you" is computed again at once
# (`warm`), at most this many per community.
WARMED_COORDINATORS = 3


def warm(ids) -> None:
    """After a write to the communities `ids` (childcop.warming): their coordinators' "Needs
    you", as each of them sees it on their home page (in their time zone). What a write in a
    community changes in "Needs you" is its coordinators' first — help requests to answer,
    stories to review, sessions to log, imports to confirm — so the request that wrote it
    computes their lists, not the coordinator who looks next."""
    from childcop.accounts.models import User
    from communities.models import Membership

    coordinators = []
    for pk in ids:
        coordinators += Membership.objects.filter(
            community_id=pk, is_coordinator=True, user__is_active=True
        ).values_list("user_id", flat=True)[:WARMED_COORDINATORS]
    for user in User.objects.filter(pk__in=coordinators).order_by("pk"):
        try:
            with timezone.override(user.tzinfo):
                memberships = home_memberships(user)
                for_person(user, memberships, is_sponsor=permissions.is_sponsor(user))
        except Exception:  # noqa: BLE001 — one person's list never stops the others'
            logger.exception("Computing the Needs you of person %s again failed", user.pk)
