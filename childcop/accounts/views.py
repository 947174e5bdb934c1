from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.utils import done, filtered_page, paginate, posted
from communities.models import Community, Membership
from value_stories.models import ValueStory

from . import erasure, notices, personal_data
from .filters import PersonFilter
from .forms import EraseForm, NotificationPreferencesForm, ProfileForm
from .models import Notification, User
from .picker import find_people


@require_GET
def people_list(request):
    visible = Community.objects.for_user(request.user)
    # Only the people this viewer may see (childcop.permissions.people), in the same query.
    people = User.objects.filter(permissions.visible_people_q(request.user), is_active=True)
    queryset = people.annotate(
        # Only the communities this viewer may see: hidden ones are not even counted.
        community_count=Count(
            "memberships", filter=Q(memberships__community__in=visible), distinct=True
        )
    )
    return filtered_page(
        request,
        PersonFilter(request.GET, queryset=queryset.order_by("display_name")),
        "people/list.html",
        "people/_people_table.html",
    )


@require_GET
def person_pick(request):
    """htmx: the people matching what is typed in a person field (its name is `field`)."""
    field = request.GET.get("field", "")
    text = request.GET.get(field, "") if field else request.GET.get("q", "")
    people = find_people(request.user, text)
    return render(request, "people/_pick.html", {"people": people})


@require_GET
def person_detail(request, pk):
    # Someone the viewer may not see does not exist for them (404), as in the list.
    person = get_object_or_404(
        User.objects.filter(permissions.visible_people_q(request.user), is_active=True), pk=pk
    )
    # Only the memberships of communities the viewer may see.
    memberships = (
        Membership.objects.filter(
            user=person, community__in=Community.objects.for_user(request.user)
        )
        .select_related("community")
        .prefetch_related("leadership_roles")
        .order_by("community__name")
    )
    # Their current roles in the support structure, with the communities of each that the
    # viewer may see (one covering none of them is left out).
    from sponsorship.choices import AppointmentRole, Scope
    from sponsorship.models import Appointment

    # Everyone sees who sponsors which community (as on its pages); those who keep the
    # support structure see every role (SMEs, mentors, young leaders).
    appointments = Appointment.objects.current().filter(person=person)
    if not permissions.can_manage_support_structure(request.user):
        appointments = appointments.filter(role=AppointmentRole.SPONSOR)
    appointments = appointments.prefetch_related(
        Prefetch("communities", queryset=Community.objects.for_user(request.user).order_by("name"))
    ).order_by("role", "pk")
    context = {
        "person": person,
        "memberships": memberships,
        "appointments": [
            a for a in appointments if a.scope == Scope.PROGRAM or a.communities.all()
        ],
        "can_erase": permissions.can_erase_person(request.user, person),
    }
    return render(request, "people/detail.html", context)


@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return done(request, "Your profile was saved.", "profile")
    return render(
        request,
        "people/profile.html",
        {"form": form, "two_step_on": permissions.has_authenticator(request.user)},
    )


# --- Notifications ------------------------------------------------------------------------


@require_GET
def notification_list(request):
    """The person's notifications they can still open, newest first; the bell's count is
    settled to the unread ones among them."""
    mine = Notification.objects.filter(permissions.visible_notifications_q(request.user))
    unread = mine.filter(read_at__isnull=True).count()
    notices.settle_unread(request.user, unread)
    page = paginate(request, mine.select_related("community").order_by("-created_at", "-pk"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread},
    )


@require_POST
def notification_read(request, pk):
    """Mark one notification read: htmx swaps its line (and the bell); without JavaScript,
    back to the list."""
    notification = permissions.get_notification_for_user(request.user, pk)
    notices.mark_read(request.user, notification)
    notification.read_at = notification.read_at or timezone.now()
    if request.htmx:
        unread = (
            Notification.objects.filter(permissions.visible_notifications_q(request.user))
            .filter(read_at__isnull=True)
            .count()
        )
        notices.settle_unread(request.user, unread)
        return render(
            request, "notifications/_read.html", {"notification": notification, "unread": unread}
        )
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    marked = notices.mark_all_read(request.user)
    if not marked:
        return done(request, "You have no unread notifications.", "notifications:list")
    return done(
        request,
        f"{marked} notification{'s' if marked != 1 else ''} marked as read.",
        "notifications:list",
    )


@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    form = NotificationPreferencesForm(
        posted(request), initial_channels=notices.choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save(request.user)
        return done(
            request, "Your notification preferences were saved.", "notifications:preferences"
        )
    return render(request, "notifications/preferences.html", {"form": form})


@require_POST
def my_data(request):
    """The person's own data as a ZIP (JSON and CSV), recorded in the audit log."""
    import audit

    if not permissions.can_download_own_data(request.user):
        raise PermissionDenied
    content = personal_data.archive(request.user)
    audit.record(request.user, audit.Action.DATA_DOWNLOADED, subject=request.user, request=request)
    response = HttpResponse(content, content_type="application/zip")
    today = timezone.localdate()
    response["Content-Disposition"] = (
        f'attachment; filename="my-childcop-data-{today:%Y-%m-%d}.zip"'
    )
    return response


@require_http_methods(["GET", "POST"])
def person_erase(request, pk):
    """A program admin erases a person, after typing their email address to confirm."""
    if not permissions.is_program_admin(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_erase_person(request.user, person):
        messages.error(request, _refusal(request.user, person))
        return redirect("people:list")
    form = EraseForm(posted(request), person=person)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = erasure.erase(person, by=request.user)
        except erasure.ErasureError as error:
            messages.error(request, str(error))
            return redirect("people:list")
        stories = ""
        if outcome["stories"]:
            stories = (
                " Their stories were kept, as they chose."
                if outcome["stories_kept"]
                else (" Their value-creation stories were removed.")
            )
        return done(
            request, f"The person was erased: they are now {person}.{stories}", "people:list"
        )
    stories = ValueStory.objects.filter(author=person).count()
    context = {"person": person, "form": form, "story_count": stories}
    return render(request, "people/erase.html", context)


def _refusal(user, person) -> str:
    if person.pk == user.pk:
        return "You cannot erase yourself: another program admin can."
    return "This person was already erased."
