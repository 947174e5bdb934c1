"""The benchmark program around the communities (bench.data): agenda, help requests and
shared memory, practice groups, value-creation stories, sponsorship, health checks and
stewardship; and the sequences moved past the ids at the end."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from bench.figures import (
    BUSINESS_CASE_FIELDS,
    CULTIVATING,
    CYCLE_RATES,
    FAILURE_FACTORS,
    INDICATOR_NAMES,
    PORTFOLIO,
    REASONS,
    SUCCESS_FACTORS,
    TEXT,
    quarter_end,
    quarter_start,
)


class ProgramRows:
    """Steps of bench.data.Generator: what the communities produce and who supports them."""

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
        current = quarter_start(self.today)
        quarters = []
        q = current
        for _ in range(8):
            quarters.append(q)
            q = quarter_start(q - timedelta(days=1))
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
                end = quarter_end(start)
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
