"""The benchmark's synthetic program, written to PostgreSQL in bulk (`make bench`).

`seed(scale)` builds, at scale 1: 500 communities, 30,000 people, about 75,000
memberships with levels and leadership roles, two years of rhythms, sessions and
activities with 1,000,000 attendance records, level changes, help requests and
answers, agenda items and voting rounds, practice groups with reports and responses,
20,000 value-creation stories with indicators and review history, sponsors (some
portfolio sponsors with many communities, a program-wide sponsor, local and domain
sponsors), SMEs, mentors, business cases, agreements with commitments, and quarterly
health checks with ratings. Scale 0.1 is the same program at one tenth.

Rows are made in Python from a seeded random generator (the same program every time)
with their ids, and streamed to the database with COPY, table by table in one
transaction; the sequences are moved past the ids at the end. Run inside Django
(childcop.bench runs it in a subprocess pointed at the benchmark database).

Who the benchmark times (the same people at both sizes):
- admin@bench.example.org: a program admin (the social learning team);
- coordinator@bench.example.org: coordinator of the biggest community (community 0),
  an active member of eleven more and coordinator of two others;
- sponsor@bench.example.org: a portfolio sponsor of PORTFOLIO communities (the biggest
  included). A portfolio's size is the sponsor's, not the program's: the same at both
  sizes, so the dashboard's scale ratio measures the program's size alone.
"""

from __future__ import annotations

import json
import random
import time as _time
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

# Change when the generated data changes: a seeded database with another version is rebuilt.
VERSION = "2"

COMMUNITIES = 500
PEOPLE = 30_000
MEMBERSHIPS = 75_000
BIGGEST_COMMUNITY = 3_000
ATTENDANCE = 1_000_000
STORIES = 20_000
HELP_REQUESTS = 20_000
PORTFOLIO = 30  # communities of the timed portfolio sponsor, at every size
HISTORY_DAYS = 730  # two years of rhythm, activities and stories
AHEAD_DAYS = 180  # sessions materialised ahead, as the nightly job does

ADMIN_EMAIL = "admin@bench.example.org"
COORDINATOR_EMAIL = "coordinator@bench.example.org"
SPONSOR_EMAIL = "sponsor@bench.example.org"

TOPICS = [
    "Data protection", "Field safety", "Agile delivery", "Procurement", "Customer voice",
    "Data science", "Leadership", "Records management", "Green operations", "Cyber security",
    "Project management", "Knowledge management", "User research", "Supply chain",
    "Financial planning", "Onboarding", "Quality assurance", "Data engineering",
    "Risk management", "Public speaking", "Software testing", "Logistics",
    "Innovation", "Facilities", "Health and wellbeing",
]  # fmt: skip
KINDS = ["network", "circle", "guild", "forum", "lab", "exchange", "practice", "community"]
REGIONS = ["", " North", " South", " East", " West", " Central"]
AREAS = [
    "everyday projects", "field operations", "the head office", "partner organisations",
    "regional teams", "new services", "audits and reviews", "our daily work",
]  # fmt: skip
FIRST = [
    "Amira", "Kofi", "Mei", "Noah", "Cora", "Sofia", "Liam", "Aisha", "Jonas", "Priya",
    "Mateo", "Yuki", "Fatima", "Lars", "Chloé", "Tariq", "Ingrid", "Diego", "Zara", "Omar",
    "Hannah", "Ravi", "Elena", "Kwame", "Sven", "Leila", "Tomás", "Ana", "Felix", "Nadia",
]  # fmt: skip
LAST = [
    "Haddad", "Mensah", "Tanaka", "Fischer", "Lindqvist", "Reyes", "Okafor", "Novak",
    "Kowalski", "Sato", "Nguyen", "Ibrahim", "Johansson", "Rossi", "Dubois", "Patel",
    "Schmidt", "Moreau", "Silva", "Costa", "Jensen", "Ahmed", "Müller", "Kim", "Popescu",
]  # fmt: skip
STAGE_WEIGHTS = {
    "potential": 6, "coalescing": 18, "maturing": 32, "sustaining": 27, "transforming": 10,
    "closed": 7,
}  # fmt: skip
STAGE_PATH = ["potential", "coalescing", "maturing", "sustaining", "transforming", "closed"]
LEVEL_WEIGHTS = {"active": 12, "occasional": 25, "peripheral": 45, "transactional": 18}
# How much more likely a member of each level is to attend an activity.
ATTEND_WEIGHT = {"core": 14, "active": 8, "occasional": 4, "peripheral": 1, "transactional": 1}
ROLES = [
    "community_keeper", "social_reporter", "agenda_activist", "external_messenger",
    "critical_friend", "institutional_broker",
]  # fmt: skip
ACTIVITY_TYPES = [
    "exchanges", "productive_inquiries", "shared_understanding", "shared_memory",
    "creating_standards", "formal_access", "visits",
]  # fmt: skip
FORMATS = ["one_to_many", "many_to_many", "small_groups", "one_to_one"]
RHYTHM_TITLES = {
    "weekly": "Weekly exchange",
    "fortnightly": "Fortnightly case clinic",
    "monthly": "Monthly community call",
}
CYCLE_RATES = {
    "immediate": 0.8, "potential": 0.7, "applied": 0.45, "realized": 0.25, "reframing": 0.1,
    "enabling": 0.15, "strategic": 0.1, "orienting": 0.08, "transformative": 0.04,
}  # fmt: skip
INDICATOR_NAMES = [
    ("Incidents per quarter", ""), ("Hours saved per month", "hours"), ("Cost avoided", "€"),
    ("Customer satisfaction", "%"), ("Lead time", "days"), ("Defects found late", ""),
    ("Reuse of templates", "%"), ("Audit findings", ""),
]  # fmt: skip
SUCCESS_FACTORS = [
    "passion", "relevance", "ownership", "internal_leadership", "energised_core",
    "learning_trumps_power", "rhythm", "trust", "value_for_time", "high_expectations",
    "engaged_sponsorship", "skilled_support", "distributed_leadership",
]  # fmt: skip
FAILURE_FACTORS = [
    "lack_of_time", "leader_neglect", "groupthink", "build_it", "complaining",
    "de_energising", "red_tape", "hq_field", "command_and_control", "cookie_cutter",
    "fad_or_mandate", "ideology", "no_strategic_thinking",
]  # fmt: skip
CULTIVATING = [
    "ensure_quality", "enabling_participation", "enabling_reification",
    "distributing_leadership", "community_cultivation", "backchannel_work", "self_care",
    "community_building", "assessment", "institutional_brokering",
]  # fmt: skip
REASONS = [
    "subtopic", "project", "better_together", "state_of_the_art", "out_of_the_box",
    "cross_boundary", "advisory_group", "contextual_subset",
]  # fmt: skip
BUSINESS_CASE_FIELDS = [
    "why_care", "strategy", "capabilities", "connections", "boundaries", "success",
    "operation", "resources", "sponsor_role",
]  # fmt: skip
TEXT = (
    "We compared how three teams handle the same **clause** and agreed on one checklist; "
    "the next review found fewer gaps and people asked for the template."
)


def sizes_for(scale: float) -> dict:
    """The program's figures at a scale (1 = the large program)."""
    return {
        "communities": max(10, round(COMMUNITIES * scale)),
        "people": max(300, round(PEOPLE * scale)),
        "memberships": max(1_000, round(MEMBERSHIPS * scale)),
        "biggest": max(60, round(BIGGEST_COMMUNITY * scale)),
        "attendance": max(5_000, round(ATTENDANCE * scale)),
        "stories": max(200, round(STORIES * scale)),
        "help_requests": max(200, round(HELP_REQUESTS * scale)),
    }


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _quarter_end(start: date) -> date:
    month = start.month + 3
    year = start.year + (month > 12)
    return date(year, (month - 1) % 12 + 1, 1) - timedelta(days=1)


class Table:
    """Rows of one model, streamed with COPY. Columns not given get the field's default."""

    def __init__(self, model, columns, *, now):
        from django.db import models

        self.model = model
        self.columns = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no {sorted(unknown)}")
        self.json_at = [
            i for i, c in enumerate(self.columns) if isinstance(fields[c], models.JSONField)
        ]
        self.per_row_columns, self.makers = [], []  # unique callable defaults: one per row
        self.static_columns, self.static = [], []
        for attname, field in fields.items():
            if attname in self.columns:
                continue
            if field.primary_key:
                raise ValueError(f"{model.__name__}: give the ids")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() and callable(field.default) and field.unique:
                self.per_row_columns.append(field.column)
                self.makers.append(field.default)
                continue
            elif field.has_default():
                value = field.default() if callable(field.default) else field.default
            elif field.null:
                value = None
            elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{attname} needs a value")
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
            self.static_columns.append(field.column)
            self.static.append(value)
        self.static = tuple(self.static)
        self.rows = []

    def add(self, *values):
        self.rows.append(values)

    def write(self, cursor) -> int:
        """COPY the rows collected so far; return how many."""
        columns = [self.model._meta.get_field(c).column for c in self.columns]
        columns += self.per_row_columns + self.static_columns
        quoted = ", ".join(f'"{c}"' for c in columns)
        static, makers, json_at = self.static, self.makers, self.json_at
        with cursor.copy(f'COPY "{self.model._meta.db_table}" ({quoted}) FROM STDIN') as copy:
            for row in self.rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row((*row, *(make() for make in makers), *static))
        count = len(self.rows)
        self.rows = []
        return count


class Generator:
    """Builds the program in memory, one table after the other, and writes it."""

    def __init__(self, scale: float, *, seed: int = 2026):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        self.rng = random.Random(seed)  # noqa: S311 — benchmark data
        self.scale = scale
        self.size = sizes_for(scale)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = self.now.date()
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.unusable = make_password(None)
        self.counts: dict[str, int] = {}
        self.ids: dict[str, int] = defaultdict(int)

    # --- plumbing -------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    def table(self, model, columns):
        return Table(model, columns, now=self.now)

    def flush(self, cursor, *tables) -> None:
        for table in tables:
            n = table.write(cursor)
            key = table.model._meta.label
            self.counts[key] = self.counts.get(key, 0) + n

    def at(self, day: date, hour: int = 16) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=UTC)

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # --- the program ----------------------------------------------------------------

    def run(self, cursor, *, log=None) -> dict:
        steps = [
            self.people, self.communities, self.memberships, self.rhythm_and_activities,
            self.attendance, self.level_changes, self.agenda_and_loops, self.practice_groups,
            self.stories, self.sponsorship, self.health, self.stewardship, self.reset_sequences,
        ]  # fmt: skip
        for step in steps:
            started = _time.perf_counter()
            step(cursor)
            if log:
                log(f"  {step.__name__.replace('_', ' ')}: {_time.perf_counter() - started:.1f} s")
        return self.counts

    def people(self, cursor):
        from childcop.accounts.factories import DEPARTMENTS, JOB_TITLES
        from childcop.accounts.models import User

        rng = self.rng
        users = self.table(
            User,
            ["id", "email", "display_name", "job_title", "department", "is_program_admin",
             "is_staff", "password", "date_joined"],
        )  # fmt: skip
        self.admin_ids = []
        for n, email in enumerate([ADMIN_EMAIL, "admin2@bench.example.org"], start=1):
            uid = self.next_id("user")
            self.admin_ids.append(uid)
            users.add(uid, email, f"Program Admin {n}", "Social learning advisor",
                      "Social Learning Team", True, True, self.unusable,
                      self.now - timedelta(days=1500))  # fmt: skip
        self.person_ids = []
        for n in range(self.size["people"]):
            uid = self.next_id("user")
            self.person_ids.append(uid)
            email = {0: COORDINATOR_EMAIL, 1: SPONSOR_EMAIL}.get(
                n, f"person{n:05d}@bench.example.org"
            )
            users.add(uid, email, f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                      rng.choice(JOB_TITLES), rng.choice(DEPARTMENTS), False, False,
                      self.unusable, self.now - timedelta(days=rng.randint(0, 1500)))  # fmt: skip
        self.admin_id = self.admin_ids[0]
        self.coordinator_id = self.person_ids[0]
        self.sponsor_id = self.person_ids[1]
        self.flush(cursor, users)

    def communities(self, cursor):
        from django.utils.text import slugify

        from communities.models import Community, Objective, StageChange

        rng = self.rng
        n = self.size["communities"]
        names = [(t, f"{t} {k}{r}") for r in REGIONS for t in TOPICS for k in KINDS]
        first_names, rest = names[:200], names[200:]
        rng.shuffle(first_names)
        rng.shuffle(rest)
        names = first_names + rest
        stages, weights = zip(*STAGE_WEIGHTS.items(), strict=True)
        table = self.table(
            Community,
            ["id", "name", "slug", "domain", "purpose", "vision", "strategy",
             "value_proposition", "stage", "is_open", "created_at", "updated_at"],
        )  # fmt: skip
        changes = self.table(
            StageChange,
            ["id", "community_id", "from_stage", "to_stage", "changed_by_id", "changed_at", "note"],
        )
        objectives = self.table(Objective, ["id", "community_id", "title", "status", "position"])
        self.community = []  # per index: dict of what later tables need
        for index in range(n):
            topic, name = names[index % len(names)]
            if index >= len(names):
                name = f"{name} {index // len(names) + 1}"
            if index == 0:
                stage = "maturing"
            elif index < 14:  # the timed coordinator's other communities: alive
                stage = rng.choice(["coalescing", "maturing", "sustaining"])
            else:
                stage = rng.choices(stages, weights)[0]
            path = STAGE_PATH[: STAGE_PATH.index(stage) + 1]
            created = self.now - timedelta(days=120 * len(path) + rng.randint(200, 500))
            cid = self.next_id("community")
            closed_on = None
            if stage == "closed":
                closed_on = self.today - timedelta(days=rng.randint(40, 300))
            self.community.append(
                {
                    "id": cid, "stage": stage, "created": created, "closed_on": closed_on,
                    "name": name,
                    "history_start": max(created, self.start).date(),
                    "history_end": closed_on or self.today,
                    "active": stage not in ("potential",),
                    # some communities struggle: sessions not held, nothing lately
                    "held_rate": 0.55 if index >= 14 and rng.random() < 0.12 else 0.92,
                }
            )  # fmt: skip
            self.community[-1]["quiet_since"] = (
                self.today - timedelta(days=rng.randint(30, 120))
                if self.community[-1]["held_rate"] < 0.9
                else None
            )
            table.add(
                cid, name, slugify(name), f"{topic} in {rng.choice(AREAS)}",
                f"Help everyone who works on {name.lower()} learn from each other "
                "and **improve our practice**, one session at a time.",
                "A place where *everyone* can ask for help and share what works.",
                "- Monthly sessions\n- A shared learning agenda\n- Help requests",
                "Faster answers, fewer repeated mistakes, better careers.",
                stage, index == 0 or rng.random() < 0.85, created, created,
            )  # fmt: skip
            previous = ""
            for step, to_stage in enumerate(path):
                when = created + timedelta(days=120 * step)
                if to_stage == "closed":
                    when = self.at(closed_on)
                changes.add(self.next_id("stage"), cid, previous, to_stage, self.admin_id, when,
                            "Community created." if not previous else "After the PDCA review.")  # fmt: skip
                previous = to_stage
            for position, status in enumerate(["achieved", "in_progress", "planned"]):
                objectives.add(self.next_id("objective"), cid,
                               f"Objective {position + 1} of {name}", status, position)  # fmt: skip
        self.flush(cursor, table, changes, objectives)

    def memberships(self, cursor):
        from communities.models import LeadershipAssignment, Membership

        rng = self.rng
        n = len(self.community)
        people = self.person_ids
        biggest = min(self.size["biggest"], len(people))
        weights = [1 / (rank + 1) ** 0.6 for rank in range(1, n)]
        rest = max(self.size["memberships"] - biggest, 0)
        factor = rest / sum(weights)
        sizes = [min(len(people) // 2, max(6, round(w * factor))) for w in weights]
        rng.shuffle(sizes)
        sizes = [biggest, *sizes]
        levels, level_weights = zip(*LEVEL_WEIGHTS.items(), strict=True)
        table = self.table(
            Membership,
            ["id", "community_id", "user_id", "level", "is_coordinator", "joined_on",
             "level_is_manual", "added_by_id"],
        )  # fmt: skip
        roles = self.table(LeadershipAssignment, ["id", "membership_id", "role", "assigned_at"])
        others = [p for p in people if p not in (self.coordinator_id, self.sponsor_id)]
        for index, (c, size) in enumerate(zip(self.community, sizes, strict=True)):
            if c["stage"] == "potential":
                size = min(size, 12)
            chosen = rng.sample(others, size)
            coordinator_here = index == 0 or index in (12, 13)
            if coordinator_here:
                chosen[0] = self.coordinator_id
            elif 1 <= index <= 11:
                chosen[-1] = self.coordinator_id
            if index in (3, 4, 5):  # the admin coordinates a few communities
                chosen[1] = self.admin_id
            has_coordinator = index < 14 or rng.random() < 0.93
            n_coordinators = (2 if size > 300 else 1) if has_coordinator else 0
            n_core = max(3, size // 30)
            members = []
            for position, uid in enumerate(chosen):
                coordinator = position < n_coordinators
                if coordinator or position < n_core:
                    level = "core"
                else:
                    level = rng.choices(levels, level_weights)[0]
                if uid == self.coordinator_id and not coordinator_here:
                    coordinator, level = False, "active"
                joined = (
                    self.day_between(c["created"].date(), min(self.today, c["history_end"]))
                    if position >= n_core
                    else c["created"].date()
                )
                mid = self.next_id("membership")
                table.add(mid, c["id"], uid, level, coordinator, joined, rng.random() < 0.04,
                          self.admin_id if position % 3 == 0 else None)  # fmt: skip
                members.append((mid, uid, level, coordinator, joined))
            c["members"] = members
            c["coordinators"] = [m[1] for m in members if m[3]]
            c["core"] = [m for m in members if m[2] == "core"]
            # Leadership roles: each of the six held by one core member (two in big
            # communities), a few unfilled in young ones; sometimes one person holds all.
            held = set()
            core = c["core"] or members[:3]
            neglect = index >= 14 and rng.random() < 0.05
            for role in ROLES:
                if c["stage"] in ("potential", "coalescing") and rng.random() < 0.3:
                    continue
                holders = (
                    [core[0]]
                    if neglect
                    else rng.sample(core, min(len(core), 2 if size > 500 else 1))
                )
                for m in holders:
                    if (m[0], role) not in held:
                        held.add((m[0], role))
                        roles.add(self.next_id("role"), m[0], role, self.at(m[4]))
        self.flush(cursor, table, roles)

    def rhythm_and_activities(self, cursor):
        from communities.models import Activity, Rhythm, Session

        rng = self.rng
        rhythms = self.table(
            Rhythm,
            ["id", "community_id", "title", "activity_type", "format", "channel",
             "duration_minutes", "recurrence", "starts_at", "until", "created_by_id", "created_at"],
        )  # fmt: skip
        sessions = self.table(
            Session,
            ["id", "community_id", "rhythm_id", "occurrence", "title", "activity_type", "format",
             "channel", "starts_at", "duration_minutes", "status", "created_at"],
        )  # fmt: skip
        activities = self.table(
            Activity,
            ["id", "community_id", "session_id", "date", "title", "activity_type", "format",
             "summary", "guest_count", "logged_by_id", "created_at"],
        )  # fmt: skip
        horizon = self.now + timedelta(days=AHEAD_DAYS)
        for index, c in enumerate(self.community):
            c["activities"] = []
            if not c["active"]:
                continue
            size = len(c["members"])
            loggers = [m[1] for m in c["core"]] or [m[1] for m in c["members"][:3]]
            if index == 0:
                kinds = ["weekly", "fortnightly", "monthly"]
            else:
                kinds = [rng.choices(["monthly", "fortnightly", "weekly"], [50, 35, 15])[0]]
                if size > 100:
                    kinds.append("monthly")
                if size > 1000:
                    kinds.append("fortnightly")
            for kind in kinds:
                step = {"weekly": 7, "fortnightly": 14, "monthly": 28}[kind]
                first = self.at(
                    c["history_start"] + timedelta(days=rng.randint(0, 20)), 15 + len(kinds)
                )
                until = c["closed_on"]
                rid = self.next_id("rhythm")
                activity_type, fmt = rng.choice(ACTIVITY_TYPES), rng.choice(FORMATS)
                title = RHYTHM_TITLES[kind]
                rhythms.add(rid, c["id"], title, activity_type, fmt, "online", 60, kind, first,
                            until, c["coordinators"][0] if c["coordinators"] else None, first)  # fmt: skip
                when = first
                end = self.at(until, 23) if until else horizon
                while when <= end:
                    sid = self.next_id("session")
                    cancelled = rng.random() < 0.03
                    sessions.add(sid, c["id"], rid, when, title, activity_type, fmt, "online",
                                 when, 60, "cancelled" if cancelled else "planned",
                                 max(first, when - timedelta(days=AHEAD_DAYS)))  # fmt: skip
                    day = when.date()
                    quiet = c["quiet_since"] and day >= c["quiet_since"]
                    if (
                        when <= self.now
                        and not cancelled
                        and not quiet
                        and rng.random() < c["held_rate"]
                    ):
                        aid = self.next_id("activity")
                        activities.add(aid, c["id"], sid, day, title, activity_type, fmt, TEXT,
                                       rng.randint(0, 3), rng.choice(loggers),
                                       when + timedelta(hours=3))  # fmt: skip
                        c["activities"].append((aid, day))
                    when += timedelta(days=step)
            # other activities, outside the rhythm
            span = (c["history_end"] - c["history_start"]).days
            for _ in range(max(1, len(c["activities"]) // 4)):
                day = c["history_start"] + timedelta(days=rng.randint(0, max(span, 0)))
                if c["quiet_since"] and day >= c["quiet_since"]:
                    continue
                aid = self.next_id("activity")
                activity_type = rng.choice(ACTIVITY_TYPES)
                activities.add(aid, c["id"], None, day, "Peer assist", activity_type,
                               rng.choice(FORMATS), TEXT, 0, rng.choice(loggers),
                               self.at(day, 18))  # fmt: skip
                c["activities"].append((aid, day))
        self.flush(cursor, rhythms, sessions, activities)

    def attendance(self, cursor):
        """ATTENDANCE records over all activities, bigger communities drawing more people,
        each activity's attendees drawn from its members, weighted by their level."""
        from communities.models import Attendance

        rng = self.rng
        table = self.table(Attendance, ["id", "activity_id", "user_id", "imported"])
        plan = []  # (community, activity id, day, weight)
        for c in self.community:
            weight = len(c["members"]) ** 0.85
            for aid, day in c["activities"]:
                plan.append((c, aid, day, weight))
        total_weight = sum(p[3] for p in plan)
        target = self.size["attendance"]
        wanted = [target * p[3] / total_weight for p in plan]
        counts = [int(w) for w in wanted]
        # hand out the remainder (and what the caps leave) to the largest fractions
        caps = [max(1, int(len(p[0]["members"]) * 0.6)) for p in plan]
        counts = [min(n, cap) for n, cap in zip(counts, caps, strict=True)]
        short = target - sum(counts)
        order = sorted(range(len(plan)), key=lambda i: wanted[i] - counts[i], reverse=True)
        while short > 0:
            progressed = False
            for i in order:
                if short <= 0:
                    break
                if counts[i] < caps[i]:
                    counts[i] += 1
                    short -= 1
                    progressed = True
            if not progressed:
                break
        pools = {}
        for (c, aid, _day, _), k in zip(plan, counts, strict=True):
            pool = pools.get(c["id"])
            if pool is None:
                pool = [m[1] for m in c["members"] for _ in range(ATTEND_WEIGHT[m[2]])]
                pools[c["id"]] = pool
            chosen = set()
            while len(chosen) < k:
                chosen.add(pool[rng.randrange(len(pool))])
            for uid in chosen:
                table.add(self.next_id("attendance"), aid, uid, rng.random() < 0.1)
            if len(table.rows) > 200_000:
                self.flush(cursor, table)
        self.flush(cursor, table)

    def level_changes(self, cursor):
        from communities.models import LevelChange

        rng = self.rng
        table = self.table(
            LevelChange,
            ["id", "community_id", "user_id", "from_level", "to_level", "is_manual",
             "changed_by_id", "changed_at"],
        )  # fmt: skip
        ladder = ["transactional", "peripheral", "occasional", "active"]
        recent = self.today - timedelta(days=85)
        for c in self.community:
            for _mid, uid, level, coordinator, joined in c["members"]:
                if coordinator:
                    continue
                n = rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
                if n == 0:
                    continue
                days = sorted(self.day_between(joined, c["history_end"]) for _ in range(n))
                if rng.random() < 0.25 and c["history_end"] > recent:
                    days[-1] = self.day_between(recent, c["history_end"])
                # a trajectory of n moves that ends at the member's current level
                path = [level]
                for _ in range(n):
                    path.append(rng.choice([x for x in ladder if x != path[-1]]))
                path.reverse()
                for i, day in enumerate(days):
                    previous, to_level = path[i], path[i + 1]
                    table.add(self.next_id("level"), c["id"], uid, previous, to_level,
                              level == "core", None, self.at(day, 2))  # fmt: skip
        self.flush(cursor, table)

    def agenda_and_loops(self, cursor):
        from communities.models import (
            AgendaItem,
            Answer,
            HelpRequest,
            SharedMemoryEntry,
            VotingRound,
        )

        rng = self.rng
        items = self.table(
            AgendaItem,
            ["id", "community_id", "title", "description", "faced_by", "raised_by_id", "status",
             "status_note", "created_at", "updated_at"],
        )  # fmt: skip
        rounds = self.table(
            VotingRound,
            ["id", "community_id", "title", "votes_per_member", "opened_by_id", "opened_at",
             "closed_at"],
        )  # fmt: skip
        requests = self.table(
            HelpRequest,
            ["id", "community_id", "asker_id", "title", "challenge", "agenda_item_id", "status",
             "created_at", "helpful_at", "outcome", "reflection", "closed_at"],
        )  # fmt: skip
        answers = self.table(
            Answer, ["id", "request_id", "author_id", "body", "created_at", "helpful"]
        )
        memory = self.table(
            SharedMemoryEntry,
            ["id", "community_id", "kind", "title", "body", "created_by_id", "created_at",
             "help_request_id"],
        )  # fmt: skip
        alive = [c for c in self.community if c["active"]]
        weights = [len(c["members"]) ** 0.7 for c in alive]
        total = sum(weights)
        statuses = ["raised", "prioritised", "being_addressed", "addressed", "parked"]
        for c, w in zip(alive, weights, strict=True):
            members = [m[1] for m in c["members"]]
            first, last = c["history_start"], c["history_end"]
            own_items = []
            for _ in range(min(40, 4 + len(members) // 40)):
                created = self.at(self.day_between(first, last), 10)
                iid = self.next_id("agenda")
                status = rng.choices(statuses, [30, 20, 15, 25, 10])[0]
                items.add(iid, c["id"], f"How do we handle case {iid}?", TEXT, "project managers",
                          rng.choice(members), status, "", created, created + timedelta(days=30))  # fmt: skip
                own_items.append(iid)
            for r in range(rng.randint(1, 2)):
                opened = self.at(self.day_between(first, last), 9)
                closed = opened + timedelta(days=14)
                rounds.add(self.next_id("round"), c["id"], "Which challenges are the most pressing?",
                           3, c["coordinators"][0] if c["coordinators"] else self.admin_id, opened,
                           closed if (r == 0 or closed < self.now) else None)  # fmt: skip
            n_requests = round(self.size["help_requests"] * w / total)
            for _ in range(n_requests):
                day = self.day_between(first, last)
                created = self.at(day, 11)
                hid = self.next_id("help")
                age = (self.today - day).days
                status = "open" if age < 10 or rng.random() < 0.08 else rng.choices(
                    ["answered", "closed"], [55, 45])[0]  # fmt: skip
                helpful_at = outcome = closed_at = None
                reflection = ""
                n_answers = 0 if status == "open" and rng.random() < 0.6 else rng.randint(1, 4)
                answer_times = sorted(
                    created + timedelta(hours=rng.randint(2, 24 * 6)) for _ in range(n_answers)
                )
                if status == "closed" and answer_times:
                    helpful_at = answer_times[0] + timedelta(hours=5)
                    closed_at = helpful_at + timedelta(days=rng.randint(10, 30))
                    outcome = rng.choice(["worked", "partly", "did_not_apply"])
                    reflection = "The checklist helped; the second clause still needs work."
                elif status == "closed":
                    status = "answered"
                requests.add(hid, c["id"], rng.choice(members), f"Help with clause {hid}", TEXT,
                             rng.choice(own_items) if own_items and rng.random() < 0.2 else None,
                             status, created, helpful_at, outcome or "", reflection, closed_at)  # fmt: skip
                for i, when in enumerate(answer_times):
                    answers.add(self.next_id("answer"), hid, rng.choice(members), TEXT, when,
                                i == 0 and helpful_at is not None)  # fmt: skip
                if closed_at and rng.random() < 0.2:
                    memory.add(self.next_id("memory"), c["id"], "faq", f"FAQ: clause {hid}",
                               TEXT, rng.choice(members), closed_at, hid)  # fmt: skip
            for _ in range(rng.randint(1, 6)):
                memory.add(self.next_id("memory"), c["id"],
                           rng.choice(["summary", "insight", "case_story", "reflection"]),
                           "What we learnt this quarter", TEXT, rng.choice(members),
                           self.at(self.day_between(first, last)), None)  # fmt: skip
            c["agenda_items"] = own_items
        self.flush(cursor, items, rounds, requests, answers, memory)

    def practice_groups(self, cursor):
        from communities.health.models import SupportRequest
        from practice_groups.models import (
            GroupMembership,
            PracticeGroup,
            ProgressReport,
            ReportResponse,
        )

        rng = self.rng
        groups = self.table(
            PracticeGroup,
            ["id", "community_id", "name", "reason", "purpose", "deliverable", "expected_end",
             "status", "proposed_by_id", "created_at", "charter_note", "chartered_by_id",
             "chartered_at", "outcome", "concluded_at"],
        )  # fmt: skip
        group_members = self.table(GroupMembership, ["id", "group_id", "user_id", "joined_at"])
        reports = self.table(
            ProgressReport,
            ["id", "group_id", "author_id", "title", "body", "created_at", "reply", "replied_at"],
        )
        responses = self.table(
            ReportResponse, ["id", "report_id", "responder_id", "kind", "comment", "created_at"]
        )
        support = self.table(
            SupportRequest,
            ["id", "community_id", "group_id", "kind", "description", "requested_by_id",
             "created_at", "status", "handled_by_id"],
        )  # fmt: skip
        kinds = ["coaching", "launch_help", "facilitation", "technology", "logistics"]
        support_statuses = ["open", "in_progress", "done", "declined"]
        for c in self.community:
            if c["stage"] not in ("maturing", "sustaining", "transforming", "closed"):
                continue
            members = [m[1] for m in c["members"]]
            for g in range(rng.randint(0, min(8, 2 + len(members) // 150))):
                created = self.at(self.day_between(c["history_start"], c["history_end"]), 12)
                status = rng.choices(["active", "concluded", "proposed", "declined"], [50, 30, 12, 8])[0]  # fmt: skip
                chartered = (
                    created + timedelta(days=7) if status in ("active", "concluded") else None
                )
                concluded = chartered + timedelta(days=120) if status == "concluded" else None
                gid = self.next_id("group")
                coordinator = c["coordinators"][0] if c["coordinators"] else None
                groups.add(gid, c["id"], f"Practice group {g + 1}", rng.choice(REASONS), TEXT,
                           "A checklist", None, status, rng.choice(members), created,
                           "Chartered." if chartered else "", coordinator if chartered else None,
                           chartered, "A shared checklist." if concluded else "", concluded)  # fmt: skip
                joined = rng.sample(members, min(len(members), rng.randint(3, 12)))
                for uid in joined:
                    group_members.add(self.next_id("group_member"), gid, uid, created)
                if not chartered:
                    continue
                for r in range(rng.randint(0, 4)):
                    when = chartered + timedelta(days=20 * (r + 1))
                    if when > self.now:
                        break
                    rid = self.next_id("report")
                    reports.add(rid, gid, rng.choice(joined), f"Progress report {r + 1}", TEXT,
                                when, "", None)  # fmt: skip
                    for uid in rng.sample(members, min(len(members), rng.randint(0, 6))):
                        kind = rng.choices(["endorse", "critique", "refine"], [60, 20, 20])[0]
                        responses.add(self.next_id("response"), rid, uid, kind, "",
                                      when + timedelta(days=2))  # fmt: skip
                if rng.random() < 0.1:
                    status = rng.choice(support_statuses)
                    support.add(self.next_id("support"), c["id"], gid, rng.choice(kinds),
                                "We need a room and a facilitator.", rng.choice(joined),
                                chartered + timedelta(days=3), status,
                                None if status == "open" else rng.choice(self.admin_ids))  # fmt: skip
        # requests from coordinators, for their community
        for c in self.community:
            if c["coordinators"] and rng.random() < 0.15:
                status = rng.choice(support_statuses)
                support.add(self.next_id("support"), c["id"], None, rng.choice(kinds),
                            "Coaching for our new core group members, please.", c["coordinators"][0],
                            self.at(self.day_between(c["history_start"], c["history_end"])), status,
                            None if status == "open" else rng.choice(self.admin_ids))  # fmt: skip
        self.flush(cursor, groups, group_members, reports, responses, support)

    def stories(self, cursor):
        from value_stories.models import StoryIndicator, StoryTransition, ValueStory

        rng = self.rng
        cycles = list(CYCLE_RATES)
        columns = [
            "id", "community_id", "author_id", "activity_id", "title", "happened_on",
            "author_role", "narrative", "visibility", "status", "involvement",
            "activity_description", "experience", "gained", "applied", "difference",
            *[f"claims_{cycle}" for cycle in cycles],
            "created_at", "updated_at", "submitted_at", "approved_at",
        ]  # fmt: skip
        stories = self.table(ValueStory, columns)
        indicators = self.table(
            StoryIndicator, ["id", "story_id", "name", "unit", "before", "after", "source"]
        )
        transitions = self.table(
            StoryTransition,
            ["id", "story_id", "from_status", "to_status", "by_id", "at", "comment"],
        )
        alive = [c for c in self.community if c["active"]]
        weights = [len(c["members"]) ** 0.8 for c in alive]
        total = sum(weights)
        target = self.size["stories"]
        counts = [int(target * w / total) for w in weights]
        for i in rng.sample(range(len(alive)), target - sum(counts)):
            counts[i] += 1
        statuses = ["approved", "submitted", "draft", "returned", "withdrawn"]
        for c, n in zip(alive, counts, strict=True):
            members = [m[1] for m in c["members"]]
            reviewer = c["coordinators"][0] if c["coordinators"] else self.admin_id
            for _ in range(n):
                sid = self.next_id("story")
                activity = (
                    rng.choice(c["activities"]) if c["activities"] and rng.random() < 0.5 else None
                )
                day = (
                    activity[1]
                    if activity
                    else self.day_between(c["history_start"], c["history_end"])
                )
                status = rng.choices(statuses, [75, 10, 8, 4, 3])[0]
                claims = [rng.random() < CYCLE_RATES[cycle] for cycle in cycles]
                if not any(claims):
                    claims[0] = True
                created = self.at(day + timedelta(days=rng.randint(1, 20)), 14)
                submitted = created + timedelta(days=2) if status != "draft" else None
                approved = submitted + timedelta(days=3) if status == "approved" else None
                visibility = rng.choices(["community", "program", "sponsors"], [40, 30, 30])[0]
                author = rng.choice(members)
                stories.add(sid, c["id"], author, activity[0] if activity else None,
                            f"What the clinic changed ({sid})", day, "Analyst, member",
                            "ground" if rng.random() < 0.85 else "aspirational", visibility,
                            status, TEXT, TEXT if not activity else "", TEXT, TEXT, TEXT,
                            TEXT if claims[3] else "", *claims, created, approved or submitted or created,
                            submitted, approved)  # fmt: skip
                if claims[3]:
                    for name, unit in rng.sample(INDICATOR_NAMES, rng.randint(1, 2)):
                        before = Decimal(rng.randint(10, 200))
                        after = before - Decimal(rng.randint(-10, 60))
                        indicators.add(self.next_id("indicator"), sid, name, unit, before, after,
                                       "Team dashboard")  # fmt: skip
                if submitted:
                    transitions.add(self.next_id("transition"), sid, "draft", "submitted", author,
                                    submitted, "")  # fmt: skip
                if status in ("approved", "returned"):
                    transitions.add(self.next_id("transition"), sid, "submitted", status, reviewer,
                                    submitted + timedelta(days=3),
                                    "" if status == "approved" else "Add a measure.")  # fmt: skip
                if status == "withdrawn":
                    transitions.add(self.next_id("transition"), sid, "submitted", "withdrawn",
                                    author, submitted + timedelta(days=1), "")  # fmt: skip
        self.flush(cursor, stories, indicators, transitions)

    def sponsorship(self, cursor):
        from sponsorship.models import (
            Agreement,
            Appointment,
            BusinessCaseVersion,
            CheckIn,
            Commitment,
            Council,
            MentorPair,
            SponsorResponse,
        )

        rng = self.rng
        appointments = self.table(
            Appointment,
            ["id", "person_id", "role", "sponsor_kind", "expertise", "status", "suggested_by_id",
             "reason", "identified_on", "scope", "appointed_by_id", "appointed_on", "term_end",
             "ended_on"],
        )  # fmt: skip
        scoped = self.table(
            Appointment.communities.through, ["id", "appointment_id", "community_id"]
        )
        alive = [c for c in self.community if c["stage"] != "closed"]
        people = self.person_ids[2:]
        self.sponsors_of = defaultdict(list)

        def appoint(person, role, kind="", communities=(), *, scope="communities", status="appointed",
                    expertise="", term_end=None):  # fmt: skip
            aid = self.next_id("appointment")
            identified = self.today - timedelta(days=rng.randint(100, 900))
            appointed = identified + timedelta(days=30) if status != "identified" else None
            ended = appointed + timedelta(days=300) if status == "ended" else None
            appointments.add(aid, person, role, kind, expertise, status, self.admin_id,
                             "Known for bringing people together.", identified, scope,
                             self.admin_id if appointed else None, appointed, term_end, ended)  # fmt: skip
            for c in communities:
                scoped.add(self.next_id("appointment_community"), aid, c["id"])
                if role == "sponsor" and status == "appointed":
                    self.sponsors_of[c["id"]].append(person)
            return aid

        # the timed portfolio sponsor: PORTFOLIO communities, the biggest among them
        portfolio = [self.community[0]] + rng.sample(
            [c for c in alive[1:] if c["active"]], min(PORTFOLIO, len(alive)) - 1
        )
        appoint(self.sponsor_id, "sponsor", "portfolio", portfolio)
        sponsor_pool = rng.sample(people, min(len(people), 40 + len(alive)))
        for _ in range(max(1, round(4 * self.scale))):
            k = min(len(alive), rng.randint(10, 40))
            appoint(sponsor_pool.pop(), "sponsor", "portfolio", rng.sample(alive, k))
        appoint(sponsor_pool.pop(), "sponsor", "individual", scope="program")  # program-wide
        for _ in range(max(2, round(10 * self.scale))):
            appoint(
                sponsor_pool.pop(),
                "sponsor",
                "domain",
                rng.sample(alive, min(len(alive), rng.randint(3, 8))),
            )
        locals_ = sponsor_pool[: max(5, len(alive) // 2)]
        for c in alive:
            if rng.random() < 0.85:
                status = "ended" if rng.random() < 0.05 else "appointed"
                term_end = (
                    self.today + timedelta(days=rng.randint(-30, 700))
                    if rng.random() < 0.5
                    else None
                )
                appoint(
                    rng.choice(locals_), "sponsor", "local", [c], status=status, term_end=term_end
                )
        for _ in range(max(5, round(50 * self.scale))):
            appoint(rng.choice(people), "sponsor", "local", status="identified")
        areas = ["privacy law", "records management", "statistics", "safety", "contracts", "cloud"]
        for _ in range(max(10, round(300 * self.scale))):
            expertise = ", ".join(rng.sample(areas, 2))
            if rng.random() < 0.3:
                appoint(rng.choice(people), "sme", expertise=expertise, scope="program")
            else:
                appoint(rng.choice(people), "sme", communities=rng.sample(alive, rng.randint(1, 3)),
                        expertise=expertise, status=rng.choice(["appointed", "appointed", "identified", "ended"]))  # fmt: skip
        mentors = rng.sample(people, max(5, round(80 * self.scale)))
        for person in mentors:
            appoint(person, "mentor", scope="program")
        for person in rng.sample(people, max(5, round(80 * self.scale))):
            appoint(person, "young_leader", communities=rng.sample(alive, 1))

        pairs = self.table(
            MentorPair,
            [
                "id",
                "mentor_id",
                "mentee_id",
                "community_id",
                "goals",
                "start",
                "planned_end",
                "status",
            ],
        )
        check_ins = self.table(CheckIn, ["id", "pair_id", "date", "note", "written_by_id"])
        for _ in range(max(10, round(150 * self.scale))):
            pid = self.next_id("pair")
            start = self.today - timedelta(days=rng.randint(0, 500))
            mentor = rng.choice(mentors)
            pairs.add(pid, mentor, rng.choice(people), rng.choice(alive)["id"], TEXT, start,
                      start + timedelta(days=180), rng.choice(["active", "active", "completed", "stopped"]))  # fmt: skip
            for k in range(rng.randint(0, 4)):
                check_ins.add(self.next_id("check_in"), pid, start + timedelta(days=30 * (k + 1)),
                              "Good progress.", mentor)  # fmt: skip
        councils = self.table(Council, ["id", "name", "kind", "purpose"])
        council_members = self.table(Council.members.through, ["id", "council_id", "user_id"])
        for kind, name in [
            ("advisory", "Advisory council"),
            ("coordinator", "Coordinator council"),
        ]:
            cid = self.next_id("council")
            councils.add(cid, name, kind, TEXT)
            for uid in rng.sample(people, 12):
                council_members.add(self.next_id("council_member"), cid, uid)

        cases = self.table(
            BusinessCaseVersion,
            ["id", "community_id", "number", "status", "created_by_id", "created_at",
             "submitted_at", "endorsed_at", *BUSINESS_CASE_FIELDS],
        )  # fmt: skip
        responses = self.table(
            SponsorResponse, ["id", "version_id", "sponsor_id", "kind", "text", "created_at"]
        )
        agreements = self.table(
            Agreement, ["id", "community_id", "review_date", "notes", "updated_at"]
        )
        commitments = self.table(
            Commitment, ["id", "agreement_id", "side", "owner_id", "description", "due", "status"]
        )
        for c in alive:
            if not c["active"]:
                continue
            author = c["coordinators"][0] if c["coordinators"] else self.admin_id
            sponsor = (self.sponsors_of.get(c["id"]) or [self.admin_id])[0]
            if rng.random() < 0.65 or c is self.community[0]:
                versions = rng.randint(1, 3)
                last_status = rng.choices(["endorsed", "submitted", "draft"], [45, 30, 25])[0]
                created = self.at(c["history_start"] + timedelta(days=30), 9)
                for number in range(1, versions + 1):
                    status = last_status if number == versions else "submitted"
                    submitted = created + timedelta(days=5) if status != "draft" else None
                    endorsed = submitted + timedelta(days=10) if status == "endorsed" else None
                    vid = self.next_id("case")
                    cases.add(vid, c["id"], number, status, author, created, submitted, endorsed,
                              *[TEXT] * len(BUSINESS_CASE_FIELDS))  # fmt: skip
                    if submitted:
                        responses.add(self.next_id("sponsor_response"), vid, sponsor,
                                      "endorse" if endorsed else "comment", "Looks right.",
                                      endorsed or submitted + timedelta(days=4))  # fmt: skip
                    created += timedelta(days=rng.randint(60, 200))
            if rng.random() < 0.7 or c is self.community[0]:
                agid = self.next_id("agreement")
                agreements.add(agid, c["id"], self.today + timedelta(days=rng.randint(-150, 330)),
                               TEXT, self.now)  # fmt: skip
                for _ in range(rng.randint(2, 5)):
                    side = rng.choice(["community", "sponsor", "team"])
                    owner = {"community": author, "sponsor": sponsor, "team": self.admin_id}[side]
                    commitments.add(self.next_id("commitment"), agid, side, owner,
                                    "Quarterly review of the agenda",
                                    self.today + timedelta(days=rng.randint(-60, 120)),
                                    rng.choices(["open", "done", "dropped"], [60, 35, 5])[0])  # fmt: skip
        self.flush(cursor, appointments, scoped, pairs, check_ins, councils, council_members,
                   cases, responses, agreements, commitments)  # fmt: skip

    def health(self, cursor):
        from communities.models import (
            Dimension,
            HealthCheck,
            HealthCheckResponse,
            HealthRating,
        )

        rng = self.rng
        dimensions = list(Dimension.objects.filter(is_active=True).values_list("pk", flat=True))
        checks = self.table(
            HealthCheck,
            ["id", "community_id", "period_start", "period_end", "answer_by", "opened_by_id",
             "opened_at", "closed_at"],
        )  # fmt: skip
        responses = self.table(
            HealthCheckResponse,
            ["id", "health_check_id", "respondent_id", "success_factors", "failure_factors",
             "notes", "submitted_at", "updated_at"],
        )  # fmt: skip
        ratings = self.table(HealthRating, ["id", "response_id", "dimension_id", "score", "note"])
        current = _quarter_start(self.today)
        quarters = []
        q = current
        for _ in range(8):
            quarters.append(q)
            q = _quarter_start(q - timedelta(days=1))
        for index, c in enumerate(self.community):
            if (
                c["stage"] not in ("maturing", "sustaining", "transforming")
                or not c["coordinators"]
            ):
                continue
            health = rng.uniform(1.5, 4.5)
            core = [m[1] for m in c["core"]][:8]
            for start in reversed(quarters):
                if start < c["history_start"] or (rng.random() > (0.9 if index == 0 else 0.65)):
                    continue
                end = _quarter_end(start)
                is_current = start == current
                opened = self.at(max(start, end - timedelta(days=20)) if not is_current else
                                 self.today - timedelta(days=rng.randint(1, 10)), 8)  # fmt: skip
                if opened > self.now:
                    opened = self.now - timedelta(days=1)
                answer_by = opened.date() + timedelta(days=21)
                closed = self.at(answer_by, 20) if self.at(answer_by, 20) < self.now else None
                hid = self.next_id("check")
                checks.add(
                    hid, c["id"], start, end, answer_by, c["coordinators"][0], opened, closed
                )
                for uid in core:
                    if rng.random() > 0.7:
                        continue
                    rid = self.next_id("health_response")
                    submitted = min(opened + timedelta(days=rng.randint(0, 20)), self.now)
                    responses.add(rid, hid, uid, rng.sample(SUCCESS_FACTORS, rng.randint(1, 4)),
                                  rng.sample(FAILURE_FACTORS, rng.randint(0, 3)),
                                  "Good energy; the agenda needs renewing.", submitted, submitted)  # fmt: skip
                    for dimension in dimensions:
                        score = max(0, min(5, round(rng.gauss(health, 0.9))))
                        ratings.add(self.next_id("rating"), rid, dimension, score, "")
                health = max(0.5, min(4.8, health + rng.uniform(-0.4, 0.4)))
        self.flush(cursor, checks, responses, ratings)

    def stewardship(self, cursor):
        """Cultivation checklists, PDCA reviews, launch plans and legacies."""
        from communities.models import CultivationCheck, LaunchPlan, Legacy, PdcaReview
        from communities.stewardship.services import quarter_of

        rng = self.rng
        quarter = quarter_of(self.today)
        cultivation = self.table(
            CultivationCheck, ["id", "community_id", "coordinator_id", "quarter", "activity",
                               "done", "note", "updated_at"],
        )  # fmt: skip
        reviews = self.table(
            PdcaReview,
            ["id", "community_id", "stage", "audience", "purpose", "members_needs", "what_ran",
             "engagement", "value_assessed", "indicators", "sustain", "change", "act",
             "next_review_on", "written_by_id", "created_at"],
        )  # fmt: skip
        plans = self.table(LaunchPlan, ["id", "community_id", "kind", "status", "lead_id",
                                        "opened_by_id", "opened_at", "updated_at"])  # fmt: skip
        legacies = self.table(Legacy, ["id", "community_id", "kept", "members_go", "closing_note",
                                       "closed_by_id", "closed_at"])  # fmt: skip
        for index, c in enumerate(self.community):
            coordinators = c["coordinators"]
            if coordinators and (index < 14 or rng.random() < 0.4):
                for activity in CULTIVATING:
                    cultivation.add(self.next_id("cultivation"), c["id"], coordinators[0], quarter,
                                    activity, rng.random() < 0.5, "", self.now)  # fmt: skip
            if c["active"] and rng.random() < 0.35:
                reviews.add(self.next_id("pdca"), c["id"], c["stage"], TEXT, TEXT, TEXT, TEXT,
                            TEXT, TEXT, "", TEXT, TEXT, "loop",
                            self.today + timedelta(days=rng.randint(-30, 120)), coordinators[0]
                            if coordinators else self.admin_id, self.now - timedelta(days=60))  # fmt: skip
            if c["stage"] == "potential":
                plans.add(self.next_id("launch"), c["id"], "launch", "open",
                          c["members"][0][1] if c["members"] else None, self.admin_id,
                          self.now - timedelta(days=20), self.now - timedelta(days=rng.randint(1, 30)))  # fmt: skip
            if c["closed_on"]:
                legacies.add(self.next_id("legacy"), c["id"], TEXT, "The Data science network.",
                             "Thank you all.", self.admin_id, self.at(c["closed_on"]))  # fmt: skip
        self.flush(cursor, cultivation, reviews, plans, legacies)

    def reset_sequences(self, cursor):
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        models = list(apps.get_models(include_auto_created=True))
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _foreign_keys():
    """(table, column, referenced table, referenced column) of every foreign key we write."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                target = field.target_field
                yield (
                    model._meta.db_table,
                    field.column,
                    target.model._meta.db_table,
                    target.column,
                )


def check_foreign_keys(cursor) -> None:
    """Every reference points at a row: one anti-join per foreign key (what PostgreSQL does
    when it validates a constraint), instead of a trigger per inserted row."""
    broken = []
    for table, column, target, target_column in _foreign_keys():
        sql = (
            f'SELECT count(*) FROM "{table}" t LEFT JOIN "{target}" r '  # noqa: S608 — model names
            f'ON r."{target_column}" = t."{column}" '
            f'WHERE t."{column}" IS NOT NULL AND r."{target_column}" IS NULL'
        )
        cursor.execute(sql)
        (n,) = cursor.fetchone()
        if n:
            broken.append(f"{table}.{column}: {n}")
    if broken:
        raise RuntimeError("Broken references in the generated data: " + ", ".join(broken))


def seed(scale: float, *, log=None) -> dict:
    """Write the program at `scale` into the (empty, migrated) database; return row counts.

    The rows are copied with the foreign-key triggers off (session_replication_role =
    replica, for a superuser; otherwise they stay on), then every foreign key is checked
    with one query; VACUUM ANALYZE leaves the tables as a long-running database has them.
    """
    from django.db import DatabaseError, connection, transaction

    generator = Generator(scale)
    started = _time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        fast = True
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            fast = False
        counts = generator.run(cursor.cursor, log=log)
        if fast:
            checked = _time.perf_counter()
            cursor.execute("SET LOCAL session_replication_role = origin")
            check_foreign_keys(cursor)
            if log:
                log(f"  foreign keys checked: {_time.perf_counter() - checked:.1f} s")
    if log:
        log(f"  written and committed: {_time.perf_counter() - started:.1f} s")
    started = _time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    if log:
        log(f"  vacuum analyze: {_time.perf_counter() - started:.1f} s")
    return counts
