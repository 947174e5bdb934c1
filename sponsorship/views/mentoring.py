"""Mentoring (a person's own pairs, the pairs' list, a pair with its check-ins) and councils."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.utils import done, filtered_page, posted

from .. import services
from ..filters import MentorPairFilter
from ..forms import CheckInForm, CouncilForm, MentorPairForm
from ..models import Council, MentorPair
from . import form_page, require_manager

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
    require_manager(request)
    return filtered_page(
        request,
        MentorPairFilter(request.GET, queryset=_pairs().order_by("-start", "-pk")),
        "sponsorship/pairs.html",
        "sponsorship/_pair_table.html",
    )


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
        return done(request, "Your check-in note was added.", "sponsorship:pair_detail", pk=pair.pk)
    return _pair_page(request, pair, form)


@require_http_methods(["GET", "POST"])
def pair_form(request, pk=None):
    if pk is not None:
        pair = _pair_for_user(request, pk)
        require_manager(request)
    else:
        require_manager(request)
        pair = None
    form = MentorPairForm(posted(request), instance=pair)
    if request.method == "POST" and form.is_valid():
        pair = form.save()
        return done(
            request,
            f"{pair.mentor} and {pair.mentee}: the pair was saved.",
            "sponsorship:pair_detail",
            pk=pair.pk,
        )
    return form_page(
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
    require_manager(request)
    council = get_object_or_404(Council, pk=pk) if pk is not None else None
    form = CouncilForm(posted(request), instance=council)
    if request.method == "POST" and form.is_valid():
        council = services.save_forms(form)[0]
        return done(request, f"The {council.name} was saved.", "sponsorship:council_list")
    return form_page(
        request,
        form,
        title=f"Edit {council.name}" if council else "New council",
        intro="A named group of people: the advisory council or the coordinator council.",
        submit="Save",
        cancel=reverse("sponsorship:council_list"),
    )
