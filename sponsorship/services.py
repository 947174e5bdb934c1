"""Workflows of the support structure that touch several rows, each in one transaction."""

from django.db import transaction

from .choices import APPOINTMENT_WORKFLOW, Scope
from .models import Appointment, CheckIn


class AppointmentError(Exception):
    """A step of the identify → appoint → end workflow that does not apply."""


@transaction.atomic
def identify(form) -> Appointment:
    """Save an IdentifyForm: a potential candidate, with who suggested them and why."""
    return form.save()


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
    return appointment


@transaction.atomic
def end(appointment, *, ended_on, note="") -> Appointment:
    """End an appointment (or close an identified candidacy that was not pursued)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not APPOINTMENT_WORKFLOW.allows(appointment.status, "end"):
        raise AppointmentError("This appointment has already ended.")
    appointment.status = APPOINTMENT_WORKFLOW.target("end")
    appointment.ended_on = ended_on
    appointment.end_note = note
    appointment.save(update_fields=["status", "ended_on", "end_note"])
    return appointment


@transaction.atomic
def save_forms(*forms):
    """Save several forms bound to the same records, all or nothing."""
    return [form.save() for form in forms]


def add_check_in(pair, form, *, by) -> CheckIn:
    check_in = form.save(commit=False)
    check_in.pair = pair
    check_in.written_by = by
    check_in.save()
    return check_in
