"""Demo support structure: sponsors (local, portfolio, domain), SMEs, a mentor and a young
leader, two candidates identified but not yet appointed, mentoring pairs with a check-in,
business cases (endorsed, a new draft, submitted), agreements (one due for review soon,
one overdue) and the two councils.

`seed(demo, people, now)` is called by `seed_demo` once communities, members and the rhythm
exist; `demo` maps the demo logins' emails to their users, `people` are the other people.
It writes directly: no emails are sent.
"""

from __future__ import annotations

from datetime import timedelta

from communities.models import Community, Membership

from .choices import (
    AppointmentRole,
    AppointmentStatus,
    CaseStatus,
    CommitmentStatus,
    CouncilKind,
    ResponseKind,
    Scope,
    Side,
    SponsorKind,
)
from .models import (
    Agreement,
    Appointment,
    BusinessCaseVersion,
    CheckIn,
    Commitment,
    Council,
    MentorPair,
    SponsorResponse,
)

ANSWERS = {
    "why_care": "Privacy incidents cost us rework and trust; the community prevents them early.",
    "strategy": "It supports the digital strategy's goal of trustworthy services.",
    "capabilities": "Privacy by design, impact assessments, handling data requests.",
    "connections": "Project managers meet the legal and IT experts they need.",
    "boundaries": "Legal, IT and operations, and the regional offices.",
    "success": "Fewer late privacy fixes; every project with an assessment; stories of avoided incidents.",
    "operation": "A fortnightly online exchange, a quarterly meeting, a core group of four.",
    "resources": "Two hours a month for the coordinator; a meeting budget for the quarterly day.",
    "sponsor_role": "Open the quarterly meeting, remove obstacles, and tell leaders what we learn.",
}
# Field safety's own case, in its own terms.
FIELD_SAFETY_ANSWERS = {
    "why_care": "Every incident in the field puts colleagues at risk; sharing near misses prevents the next one.",
    "strategy": "It serves the duty of care in the people strategy and keeps programmes running in hard places.",
    "capabilities": "Security risk assessments, convoy planning, incident reporting, evacuation drills.",
    "connections": "Field office managers meet the regional security advisers and the drivers' supervisors.",
    "boundaries": "Field offices, logistics, security and human resources.",
    "success": "More near misses reported, fewer incidents, every office with a rehearsed evacuation plan.",
    "operation": "A monthly case clinic on a recent incident, a yearly drill exchange, a core group of five.",
    "resources": "Half a day a month for the coordinator; travel for two peer visits a year.",
    "sponsor_role": "Ask about safety at every country review and back the offices that report openly.",
}


def seed(demo, people, now):
    """Sponsors, SMEs, mentors, young leaders, business cases, agreements, councils."""
    admin = demo["admin@example.org"]
    today = now.date()
    by_slug = {c.slug: c for c in Community.objects.all()}
    dp, fs = by_slug["data-protection-in-practice"], by_slug["field-safety"]
    sponsor = demo["sponsor@example.org"]

    def appoint(person, role, communities=(), **fields):
        appointment = Appointment.objects.create(
            person=person, role=role, status=AppointmentStatus.APPOINTED,
            suggested_by=admin, reason="Suggested by the core group.",
            identified_on=today - timedelta(days=200), appointed_by=admin,
            appointed_on=today - timedelta(days=150),
            scope=Scope.COMMUNITIES if communities else Scope.PROGRAM, **fields,
        )  # fmt: skip
        appointment.communities.set(communities)
        return appointment

    # Appointed sponsors, SMEs, a mentor, a young leader; two people identified only
    appoint(sponsor, AppointmentRole.SPONSOR, [dp, fs], sponsor_kind=SponsorKind.LOCAL)
    portfolio = [
        by_slug["agile-delivery"],
        by_slug["procurement-excellence"],
        by_slug["green-operations"],
    ]
    appoint(people[10], AppointmentRole.SPONSOR, portfolio, sponsor_kind=SponsorKind.PORTFOLIO)
    appoint(people[11], AppointmentRole.SPONSOR, [by_slug["data-science-guild"]],
            sponsor_kind=SponsorKind.DOMAIN, term_end=today + timedelta(days=40))  # fmt: skip
    for person, areas in [(people[12], "privacy law, records management"),
                          (people[13], "occupational safety, risk assessment"),
                          (people[14], "machine learning, data visualisation")]:  # fmt: skip
        appoint(person, AppointmentRole.SME, expertise=areas)
    appoint(demo["core@example.org"], AppointmentRole.MENTOR, [dp])
    appoint(people[15], AppointmentRole.YOUNG_LEADER, [fs], term_end=today + timedelta(days=25))
    Appointment.objects.create(
        person=people[16], role=AppointmentRole.SME, expertise="procurement ethics",
        suggested_by=demo["coordinator@example.org"], identified_on=today - timedelta(days=120),
        reason="Answers half the questions in the procurement clinic already.",
    )  # fmt: skip
    Appointment.objects.create(
        person=people[17], role=AppointmentRole.SPONSOR, sponsor_kind=SponsorKind.LOCAL,
        suggested_by=admin, identified_on=today - timedelta(days=10),
        reason="Leads the customer service division; asked how to support the Customer voice launch.",
    )  # fmt: skip

    # Mentoring pairs, one with a check-in
    pair = MentorPair.objects.create(
        mentor=demo["core@example.org"], mentee=demo["member@example.org"], community=dp,
        goals="Learn to run a privacy impact assessment on my own project.",
        start=today - timedelta(days=60), planned_end=today + timedelta(days=120),
    )  # fmt: skip
    CheckIn.objects.create(pair=pair, date=today - timedelta(days=30), written_by=pair.mentor,
                           note="First assessment drafted together; next: the data flows.")  # fmt: skip
    MentorPair.objects.create(mentor=people[13], mentee=people[20], community=fs,
                              goals="Prepare for the site safety officer role.")  # fmt: skip

    # Business cases: endorsed then a new draft, and one submitted
    v1 = BusinessCaseVersion.objects.create(
        community=dp, number=1, status=CaseStatus.ENDORSED, created_by=demo["coordinator@example.org"],
        submitted_at=now - timedelta(days=120), endorsed_at=now - timedelta(days=110), **ANSWERS,
    )  # fmt: skip
    SponsorResponse.objects.create(version=v1, sponsor=sponsor, kind=ResponseKind.ENDORSE,
                                   text="Clear and ambitious. I will open the quarterly meetings.")  # fmt: skip
    BusinessCaseVersion.objects.create(
        community=dp, number=2, status=CaseStatus.DRAFT, created_by=demo["coordinator@example.org"],
        **{**ANSWERS, "resources": "Also: a small budget for an external speaker each year."},
    )  # fmt: skip
    BusinessCaseVersion.objects.create(
        community=fs, number=1, status=CaseStatus.SUBMITTED, submitted_at=now - timedelta(days=5),
        **FIELD_SAFETY_ANSWERS,
    )  # fmt: skip

    # Agreements: one due for review in 12 days, one overdue
    dp_agreement = Agreement.objects.create(community=dp, review_date=today + timedelta(days=12),
                                            notes="Reviewed each spring with the sponsor.")  # fmt: skip
    Commitment.objects.bulk_create([
        Commitment(agreement=dp_agreement, side=Side.COMMUNITY, owner=demo["coordinator@example.org"],
                   description="Share a value-creation story each quarter", due=today + timedelta(days=20)),
        Commitment(agreement=dp_agreement, side=Side.SPONSOR, owner=sponsor,
                   description="Open the quarterly meeting", due=today + timedelta(days=9)),
        Commitment(agreement=dp_agreement, side=Side.TEAM, owner=admin,
                   description="Coach the new core group members", due=today - timedelta(days=3)),
        Commitment(agreement=dp_agreement, side=Side.COMMUNITY, owner=demo["core@example.org"],
                   description="Publish the consent FAQ", status=CommitmentStatus.DONE,
                   due=today - timedelta(days=40)),
    ])  # fmt: skip
    Agreement.objects.create(community=fs, review_date=today - timedelta(days=4))

    # Councils
    advisory = Council.objects.create(name="Advisory council", kind=CouncilKind.ADVISORY,
                                      purpose="Advises the program on priorities and resources.")  # fmt: skip
    advisory.members.set([sponsor, people[10], people[11], admin])
    coordinators = Council.objects.create(name="Coordinator council", kind=CouncilKind.COORDINATOR,
                                          purpose="Coordinators learn from each other and link communities.")  # fmt: skip
    coordinators.members.set(
        [m.user for m in Membership.objects.filter(is_coordinator=True).select_related("user")]
    )
