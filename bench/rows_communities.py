"""The benchmark program's people and communities (bench.data): accounts, communities with
their stage history, memberships and leadership, rhythms, sessions, activities,
attendance and level changes."""

from __future__ import annotations

from datetime import timedelta

from bench.figures import (
    ACTIVITY_TYPES,
    ADMIN_EMAIL,
    AHEAD_DAYS,
    AREAS,
    ATTEND_WEIGHT,
    COORDINATOR_EMAIL,
    FIRST,
    FORMATS,
    KINDS,
    LAST,
    LEVEL_WEIGHTS,
    REGIONS,
    RHYTHM_TITLES,
    ROLES,
    SPONSOR_EMAIL,
    STAGE_PATH,
    STAGE_WEIGHTS,
    TEXT,
    TOPICS,
)


class CommunityRows:
    """Steps of bench.data.Generator: who is in the program and what the communities do."""

    def people(self, cursor):
        from childcop.accounts.factories import DEPARTMENTS, JOB_TITLES
        from childcop.accounts.models import PersonSearchKey, User
        from childcop.accounts.search_keys import keys_for

        rng = self.rng
        users = self.table(
            User,
            ["id", "email", "display_name", "job_title", "department", "is_program_admin",
             "is_staff", "password", "date_joined"],
        )  # fmt: skip
        # the person picker's keys, which User.save writes (childcop.accounts.search_keys)
        keys = self.table(PersonSearchKey, ["id", "person_id", "key"])
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
        for uid, email, name, *_ in users.rows:
            for key in keys_for(name, email):
                keys.add(self.next_id("person_search_key"), uid, key)
        self.admin_id = self.admin_ids[0]
        self.coordinator_id = self.person_ids[0]
        self.sponsor_id = self.person_ids[1]
        self.flush(cursor, users, keys)

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
                    if position >= n_core and uid != self.coordinator_id
                    else c["created"].date()
                )  # the timed coordinator is nobody's newcomer, at both sizes, on any day
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
