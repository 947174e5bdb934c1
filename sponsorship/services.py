"""Workflows of sponsorship, each one transaction where it touches several rows.

- the support structure: identify → officially appoint → end an appointment, check-ins;
- the business case: a community's versioned answers to its sponsor's questions. A
  coordinator (or the social learning team) drafts the answers and submits them; the
  community's sponsors are emailed, then comment on or endorse the version they read.
  Editing a submitted (or endorsed) version creates a new version that copies its
  answers: earlier versions stay as they were, and so does what was said about them;
- the agreement: what the community and its sponsor(s) commit to, with a review date.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import audit
from childcop import aggregates, permissions
from childcop.accounts.models import User
from communities.models import Community

from .choices import (
    APPOINTMENT_WORKFLOW,
    BUSINESS_CASE_QUESTIONS,
    CASE_WORKFLOW,
    CaseStatus,
    ResponseKind,
    Scope,
)
from .models import Agreement, Appointment, BusinessCaseVersion, CheckIn, SponsorResponse

QUESTION_FIELDS = [field for field, _ in BUSINESS_CASE_QUESTIONS]


# --- Support structure -----------------------------------------------------------------


class AppointmentError(Exception):
    """A step of the identify → appoint → end workflow that does not apply."""


# "Needs you"'s area of what these services write (childcop.aggregates)
SPONSORSHIP = aggregates.needs_name("sponsorship")


def _audit_appointment(appointment, by, step: str) -> None:
    audit.record(
        by,
        audit.Action.APPOINTMENT,
        f"{appointment.get_role_display()} appointment #{appointment.pk}",
        subject=appointment.person,
        detail=step,
    )


@transaction.atomic
def identify(form, *, by=None) -> Appointment:
    """Save an IdentifyForm: a potential candidate, with who suggested them and why."""
    appointment = form.save()
    _audit_appointment(appointment, by, "identified")
    return appointment


@transaction.atomic
def appoint(appointment, form, *, by) -> Appointment:
    """Officially appoint an identified person (appointed by, date, scope, term end)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not APPOINTMENT_WORKFLOW.allows(appointment.status, "appoint"):
        raise AppointmentError(f"This appointment is already {appointment.get_status_display()}.")
    data = form.cleaned_data
    appointment.status = APPOINTMENT_WORKFLOW.target("appoint")
    appointment.appointed_by = by
    appointment.appointed_on = data["appointed_on"]
    appointment.scope = data["scope"]
    appointment.term_end = data.get("term_end")
    appointment.save()
    appointment.communities.set(data["communities"] if data["scope"] == Scope.COMMUNITIES else [])
    _audit_appointment(appointment, by, "officially appointed")
    return appointment


@transaction.atomic
def end(appointment, *, ended_on, note="", by=None) -> Appointment:
    """End an appointment (or close an identified candidacy that was not pursued)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not APPOINTMENT_WORKFLOW.allows(appointment.status, "end"):
        raise AppointmentError("This appointment has already ended.")
    appointment.status = APPOINTMENT_WORKFLOW.target("end")
    appointment.ended_on = ended_on
    appointment.end_note = note
    appointment.save(update_fields=["status", "ended_on", "end_note"])
    _audit_appointment(appointment, by, "ended")
    return appointment


@transaction.atomic
def save_forms(*forms):
    """Save several forms bound to the same records, all or nothing."""
    return [form.save() for form in forms]


@transaction.atomic
def edit_appointment(appointment, *forms, by) -> Appointment:
    """Save an appointment's edited role and terms (all or nothing), recorded as a change."""
    save_forms(*forms)
    _audit_appointment(appointment, by, "edited")
    return appointment


def add_check_in(pair, form, *, by) -> CheckIn:
    check_in = form.save(commit=False)
    check_in.pair = pair
    check_in.written_by = by
    check_in.save()
    return check_in


def current_sponsors(community):
    """Active users currently appointed as sponsors of the community (program-wide or named)."""
    appointments = Appointment.objects.current().sponsors()
    return (
        User.objects.filter(is_active=True)
        .filter(
            pk__in=appointments.filter(
                Q(scope=Scope.PROGRAM) | Q(scope=Scope.COMMUNITIES, communities=community)
            ).values("person_id")
        )
        .order_by("pk")
    )


# --- Business case ---------------------------------------------------------------------


def visible_versions(user, community):
    """The versions this user may read: drafts only for those who manage the case."""
    versions = community.business_case_versions.select_related("created_by")
    if not permissions.can_view_case_drafts(user, community):
        versions = versions.exclude(status=CaseStatus.DRAFT)
    return versions.order_by("-number")


def latest_version(community):
    return community.business_case_versions.order_by("-number").first()


def latest_submitted(community):
    """The version a sponsor may respond to: the newest one that was submitted."""
    return (
        community.business_case_versions.filter(status__in=CASE_WORKFLOW.sources("respond"))
        .order_by("-number")
        .first()
    )


def answers_of(version) -> dict:
    return {field: getattr(version, field) for field in QUESTION_FIELDS} if version else {}


def save_draft(community, answers: dict, *, by) -> BusinessCaseVersion:
    """Save the answers to the community's draft; a submitted case gets a new version.

    The community row is locked so that two editors cannot both create version n+1
    (the unique constraint would refuse the second anyway).
    """
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        version = latest_version(community)
        if version is None or not CASE_WORKFLOW.allows(version.status, "edit"):
            version = BusinessCaseVersion(
                community=community,
                number=(version.number + 1) if version else 1,
                created_by=by,
            )
        for field in QUESTION_FIELDS:
            setattr(version, field, answers.get(field, ""))
        version.save()
    return version


def submit(version, *, by=None) -> bool:
    """Submit a draft to the sponsors (emailed once the transaction commits)."""
    with transaction.atomic():
        updated = BusinessCaseVersion.objects.filter(
            pk=version.pk, status__in=CASE_WORKFLOW.sources("submit")
        ).update(status=CASE_WORKFLOW.target("submit"), submitted_at=timezone.now())
        if updated:
            from .tasks import notify_business_case_submitted

            # update() sends no signal: the community's cached dashboard card (case status)
            aggregates.invalidate_communities([version.community_id], needs=SPONSORSHIP)
            notify_business_case_submitted.delay_on_commit(version.pk)
    version.refresh_from_db()
    return bool(updated)


class NotLatest(Exception):
    """The version responded to is not the community's latest submitted version."""


def respond(version, *, sponsor, kind, text="") -> SponsorResponse:
    """Record a sponsor's comment or endorsement on exactly this version."""
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=version.community_id).first()
        latest = latest_submitted(version.community)
        if latest is None or latest.pk != version.pk:
            raise NotLatest(latest)
        response = SponsorResponse.objects.create(
            version=version, sponsor=sponsor, kind=kind, text=text
        )
        if kind == ResponseKind.ENDORSE:
            BusinessCaseVersion.objects.filter(
                pk=version.pk, status__in=CASE_WORKFLOW.sources("endorse")
            ).update(status=CASE_WORKFLOW.target("endorse"), endorsed_at=timezone.now())
            aggregates.invalidate_communities(
                [version.community_id], needs=SPONSORSHIP
            )  # update(): no signal
            audit.record(
                sponsor,
                audit.Action.CASE_ENDORSED,
                f"Business case version {version.number}",
                community=version.community,
            )
    version.refresh_from_db()
    return response


# --- Agreement -------------------------------------------------------------------------


def agreement_of(community):
    return Agreement.objects.filter(community=community).first()


def possible_owners(community):
    """Who may own a commitment: members, current sponsors and the social learning team."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__community=community)
            | Q(pk__in=current_sponsors(community).values("pk"))
            | Q(is_program_admin=True)
        )
        .distinct()
        .order_by("display_name", "email")
    )


def save_agreement(form, commitments) -> Agreement:
    """The agreement and its commitments, all or nothing."""
    with transaction.atomic():
        agreement = form.save()
        commitments.instance = agreement
        commitments.save()
    return agreement
