"""Appointments of the support structure (identify → appoint → end), the sponsor map and
the communities that no current sponsor covers: pages of the social learning team."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from childcop.utils import csv_response, done, errors_said, filtered_page, posted
from communities.choices import Stage
from communities.models import Community

from .. import services
from ..choices import APPOINTMENT_WORKFLOW, AppointmentStatus, Scope
from ..filters import AppointmentFilter
from ..forms import AppointForm, AppointmentRoleForm, EndForm, IdentifyForm
from ..models import Appointment
from . import form_page, require_manager


def _appointments(request):
    queryset = Appointment.objects.select_related("person", "appointed_by").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name"))
    )
    return AppointmentFilter(request.GET, queryset=queryset)


@require_GET
def appointment_list(request):
    require_manager(request)
    return filtered_page(
        request,
        _appointments(request),
        "sponsorship/appointments.html",
        "sponsorship/_appointment_table.html",
        today=timezone.localdate(),
    )


@require_GET
def appointment_export(request):
    require_manager(request)
    filterset = _appointments(request)
    qs = filterset.qs.select_related("suggested_by")
    header = [
        "Name", "Email", "Role", "Kind of sponsor", "Expertise areas", "Status",
        "Suggested by", "Why them", "Identified on", "Appointed by", "Officially appointed on",
        "Scope", "Communities", "End of term", "Ended on", "End note",
    ]  # fmt: skip
    rows = (
        (
            a.person.display_name,
            a.person.email,
            a.get_role_display(),
            a.get_sponsor_kind_display(),
            a.expertise,
            a.get_status_display(),
            a.suggested_by or "",
            a.reason,
            a.identified_on.isoformat(),
            a.appointed_by or "",
            a.appointed_on.isoformat() if a.appointed_on else "",
            a.get_scope_display() if a.status != AppointmentStatus.IDENTIFIED else "",
            "; ".join(c.name for c in a.communities.all()),
            a.term_end.isoformat() if a.term_end else "",
            a.ended_on.isoformat() if a.ended_on else "",
            a.end_note,
        )
        for a in qs
    )
    return csv_response("appointments.csv", header, rows, request=request)


def _appointment(request, pk):
    require_manager(request)
    queryset = Appointment.objects.select_related("person", "appointed_by", "suggested_by")
    return get_object_or_404(queryset, pk=pk)


@require_GET
def appointment_detail(request, pk):
    appointment = _appointment(request, pk)
    context = {
        "appointment": appointment,
        "communities": appointment.communities.order_by("name"),
        "today": timezone.localdate(),
    }
    return render(request, "sponsorship/appointment_detail.html", context)


@require_http_methods(["GET", "POST"])
def appointment_identify(request):
    require_manager(request)
    form = IdentifyForm(posted(request), initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        appointment = services.identify(form, by=request.user)
        return done(
            request,
            f"{appointment.person} was identified as a potential "
            f"{appointment.get_role_display().lower()}.",
            appointment,
        )
    return form_page(
        request,
        form,
        title="Identify a person",
        intro="Record a potential sponsor, SME, mentor or young leader: who they are, who "
        "suggested them and why. They are officially appointed in a second step.",
        submit="Identify",
        cancel=reverse("sponsorship:appointment_list"),
    )


@require_http_methods(["GET", "POST"])
def appointment_appoint(request, pk):
    appointment = _appointment(request, pk)
    if not APPOINTMENT_WORKFLOW.allows(appointment.status, "appoint"):
        messages.info(request, f"This appointment is already {appointment.get_status_display()}.")
        return redirect(appointment)
    form = AppointForm(posted(request), instance=appointment)
    if request.method == "POST" and form.is_valid():
        with errors_said(request, services.AppointmentError):
            services.appoint(appointment, form, by=request.user)
            messages.success(
                request,
                f"{appointment.person} was officially appointed as "
                f"{appointment.get_role_display().lower()}.",
            )
        return redirect(appointment)
    return form_page(
        request,
        form,
        title=f"Officially appoint {appointment.person} as "
        f"{appointment.get_role_display().lower()}",
        intro="You are recorded as the person who appointed them.",
        submit="Appoint officially",
        cancel=appointment.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def appointment_end(request, pk):
    appointment = _appointment(request, pk)
    if not APPOINTMENT_WORKFLOW.allows(appointment.status, "end"):
        messages.info(request, "This appointment has already ended.")
        return redirect(appointment)
    form = EndForm(posted(request), appointment=appointment)
    if request.method == "POST" and form.is_valid():
        with errors_said(request, services.AppointmentError):
            services.end(
                appointment,
                ended_on=form.cleaned_data["ended_on"],
                note=form.cleaned_data["end_note"],
                by=request.user,
            )
            messages.success(request, f"The appointment of {appointment.person} has ended.")
        return redirect(appointment)
    identified = appointment.status == AppointmentStatus.IDENTIFIED
    return form_page(
        request,
        form,
        title=f"End the {'candidacy' if identified else 'appointment'} of {appointment.person} "
        f"as {appointment.get_role_display().lower()}?",
        intro="The record stays in the support structure's history, marked as ended."
        + (" They were identified but never officially appointed." if identified else ""),
        submit="End the appointment",
        cancel=appointment.get_absolute_url(),
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk):
    appointment = _appointment(request, pk)
    form = AppointmentRoleForm(posted(request), instance=appointment)
    forms = [form]
    if appointment.status != AppointmentStatus.IDENTIFIED:
        forms.append(AppointForm(posted(request), instance=appointment))
    # validate every form (a list, not a generator) so that all errors show at once
    if request.method == "POST" and all([f.is_valid() for f in forms]):  # noqa: C419
        services.edit_appointment(appointment, *forms, by=request.user)
        return done(request, f"The appointment of {appointment.person} was saved.", appointment)
    return form_page(
        request,
        form,
        forms=forms[1:],
        title=f"Edit the appointment of {appointment.person}",
        submit="Save",
        cancel=appointment.get_absolute_url(),
    )


def _current_sponsors():
    return Appointment.objects.current().sponsors()


@require_GET
def communities_without_sponsor(request):
    """Communities that are not closed and that no current sponsor covers (one query)."""
    require_manager(request)
    sponsors = _current_sponsors()
    covered = Exists(sponsors.filter(scope=Scope.PROGRAM)) | Exists(
        sponsors.filter(scope=Scope.COMMUNITIES, communities=OuterRef("pk"))
    )
    communities = (
        Community.objects.exclude(stage=Stage.CLOSED)
        .filter(~Q(covered))
        .order_by("name")
        .only("name", "slug", "stage", "domain")
    )
    return render(request, "sponsorship/without_sponsor.html", {"communities": communities})


@require_GET
def sponsor_map(request):
    """Each current sponsor with the communities they cover; program-wide sponsors as such."""
    require_manager(request)
    appointments = (
        _current_sponsors()
        .select_related("person")
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
        .order_by("person__display_name", "sponsor_kind", "pk")
    )
    return render(
        request,
        "sponsorship/sponsor_map.html",
        {"appointments": appointments, "today": timezone.localdate()},
    )
