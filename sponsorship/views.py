"""The support structure: appointments (identify → appoint → end), mentoring, councils.

Function views, one scoped fetch at the top, access decisions from childcop.permissions.
Appointments, the sponsor map and councils' edits belong to the social learning team.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.utils import csv_response, paginate, posted
from communities.choices import Stage
from communities.models import Community

from . import services
from .choices import APPOINTMENT_WORKFLOW, AppointmentStatus, Scope
from .filters import AppointmentFilter, MentorPairFilter
from .forms import (
    AppointForm,
    AppointmentRoleForm,
    CheckInForm,
    CouncilForm,
    EndForm,
    IdentifyForm,
    MentorPairForm,
)
from .models import Appointment, Council, MentorPair


def _require_manager(request):
    if not permissions.can_manage_support_structure(request.user):
        raise PermissionDenied


def _form_page(request, form, *, title, submit, cancel, intro="", forms=(), danger=False):
    context = {
        "form": form,
        "extra_forms": forms,
        "title": title,
        "intro": intro,
        "submit": submit,
        "cancel": cancel,
        "danger": danger,
    }
    return render(request, "sponsorship/form.html", context)


# --- Appointments -----------------------------------------------------------------------


def _appointments(request):
    queryset = Appointment.objects.select_related("person", "appointed_by").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name"))
    )
    return AppointmentFilter(request.GET, queryset=queryset)


@require_GET
def appointment_list(request):
    _require_manager(request)
    filterset = _appointments(request)
    context = {
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "today": timezone.localdate(),
    }
    template = (
        "sponsorship/_appointment_table.html" if request.htmx else "sponsorship/appointments.html"
    )
    return render(request, template, context)


@require_GET
def appointment_export(request):
    _require_manager(request)
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
    return csv_response("appointments.csv", header, rows)


def _appointment(request, pk):
    _require_manager(request)
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
    _require_manager(request)
    form = IdentifyForm(posted(request), initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        appointment = services.identify(form)
        messages.success(
            request,
            f"{appointment.person} was identified as a potential "
            f"{appointment.get_role_display().lower()}.",
        )
        return redirect(appointment)
    return _form_page(
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
        try:
            services.appoint(appointment, form, by=request.user)
        except services.AppointmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{appointment.person} was officially appointed as "
                f"{appointment.get_role_display().lower()}.",
            )
        return redirect(appointment)
    return _form_page(
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
        try:
            services.end(
                appointment,
                ended_on=form.cleaned_data["ended_on"],
                note=form.cleaned_data["end_note"],
            )
        except services.AppointmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The appointment of {appointment.person} has ended.")
        return redirect(appointment)
    identified = appointment.status == AppointmentStatus.IDENTIFIED
    return _form_page(
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
        services.save_forms(*forms)
        messages.success(request, f"The appointment of {appointment.person} was saved.")
        return redirect(appointment)
    return _form_page(
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
    _require_manager(request)
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
    _require_manager(request)
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


# --- Mentoring --------------------------------------------------------------------------


def _pairs():
    return MentorPair.objects.select_related("mentor", "mentee", "community")


@require_GET
def my_mentoring(request):
    """Pairs where the signed-in person is mentor (their mentees) or mentee (their mentor)."""
    user = request.user
    context = {
        "as_mentor": _pairs().filter(mentor=user).order_by("status", "-start"),
        "as_mentee": _pairs().filter(mentee=user).order_by("status", "-start"),
        "can_manage": permissions.can_manage_support_structure(user),
    }
    return render(request, "sponsorship/my_mentoring.html", context)


@require_GET
def pair_list(request):
    _require_manager(request)
    filterset = MentorPairFilter(request.GET, queryset=_pairs().order_by("-start", "-pk"))
    context = {
        "filter": filterset,
        "page": paginate(request, filterset.qs),
    }
    template = "sponsorship/_pair_table.html" if request.htmx else "sponsorship/pairs.html"
    return render(request, template, context)


def _pair_for_user(request, pk):
    """The pair if the user is its mentor or mentee (or runs the program); else 404."""
    queryset = _pairs().filter(permissions.mentor_pairs_q(request.user))
    return get_object_or_404(queryset, pk=pk)


def _pair_page(request, pair, form, status=200):
    context = {
        "pair": pair,
        "check_ins": pair.check_ins.select_related("written_by"),
        "form": form,
        "can_write": permissions.can_write_check_in(request.user, pair),
        "can_manage": permissions.can_manage_support_structure(request.user),
    }
    return render(request, "sponsorship/pair_detail.html", context, status=status)


@require_GET
def pair_detail(request, pk):
    pair = _pair_for_user(request, pk)
    return _pair_page(request, pair, CheckInForm())


@require_POST
def check_in_add(request, pk):
    pair = _pair_for_user(request, pk)
    if not permissions.can_write_check_in(request.user, pair):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    if form.is_valid():
        services.add_check_in(pair, form, by=request.user)
        messages.success(request, "Your check-in note was added.")
        return redirect("sponsorship:pair_detail", pk=pair.pk)
    return _pair_page(request, pair, form)


@require_http_methods(["GET", "POST"])
def pair_form(request, pk=None):
    if pk is not None:
        pair = _pair_for_user(request, pk)
        _require_manager(request)
    else:
        _require_manager(request)
        pair = None
    form = MentorPairForm(posted(request), instance=pair)
    if request.method == "POST" and form.is_valid():
        pair = form.save()
        messages.success(request, f"{pair.mentor} and {pair.mentee}: the pair was saved.")
        return redirect("sponsorship:pair_detail", pk=pair.pk)
    return _form_page(
        request,
        form,
        title="Edit the mentoring pair" if pair else "New mentoring pair",
        intro="A mentor and a mentee, optionally within a community, with the mentee's goals.",
        submit="Save",
        cancel=reverse("sponsorship:pair_detail", args=[pair.pk])
        if pair
        else reverse("sponsorship:pair_list"),
    )


# --- Councils ---------------------------------------------------------------------------


@require_GET
def council_list(request):
    """Advisory and coordinator councils with their members: anyone signed in may look."""
    councils = Council.objects.prefetch_related(
        Prefetch(
            "members",
            queryset=get_user_model()
            .objects.order_by("display_name")
            .only("id", "display_name", "job_title", "department"),
        )
    )
    context = {
        "councils": councils,
        "can_manage": permissions.can_manage_support_structure(request.user),
    }
    return render(request, "sponsorship/councils.html", context)


@require_http_methods(["GET", "POST"])
def council_form(request, pk=None):
    _require_manager(request)
    council = get_object_or_404(Council, pk=pk) if pk is not None else None
    form = CouncilForm(posted(request), instance=council)
    if request.method == "POST" and form.is_valid():
        council = services.save_forms(form)[0]
        messages.success(request, f"The {council.name} was saved.")
        return redirect("sponsorship:council_list")
    return _form_page(
        request,
        form,
        title=f"Edit {council.name}" if council else "New council",
        intro="A named group of people: the advisory council or the coordinator council.",
        submit="Save",
        cancel=reverse("sponsorship:council_list"),
    )
