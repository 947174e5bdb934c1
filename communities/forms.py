from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from .choices import STAGE_HELP, LeadershipRole, Level, Recurrence, Stage
from .models import Activity, ActivityOutput, Community, Membership, Objective, Rhythm, Session

PROFILE_FIELDS = ["domain", "purpose", "vision", "strategy", "value_proposition"]


class CommunityCreateForm(forms.ModelForm):
    """The program admin launches a community record: name, domain, why, and its stage."""

    class Meta:
        model = Community
        fields = ["name", "domain", "stage", "is_open", *PROFILE_FIELDS[1:]]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in PROFILE_FIELDS[1:]}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Community.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A community with this name already exists.")
        return name


class CommunityAdminEditForm(CommunityCreateForm):
    class Meta(CommunityCreateForm.Meta):
        fields = [
            "name", "domain", "is_open", *PROFILE_FIELDS[1:], "reminder_days_before",
            "heartbeat_grace_days",
        ]  # fmt: skip


class CommunityCoordinatorEditForm(forms.ModelForm):
    """Coordinators shape their community's direction, not its name or lifecycle stage."""

    class Meta:
        model = Community
        fields = [
            "vision", "strategy", "value_proposition", "reminder_days_before",
            "heartbeat_grace_days",
        ]  # fmt: skip
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in ["vision", "strategy", "value_proposition"]
        }


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "status"]


ObjectiveFormSet = forms.inlineformset_factory(
    Community, Objective, form=ObjectiveForm, extra=2, can_delete=True, max_num=30,
    validate_max=True,
)  # fmt: skip


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label="New lifecycle stage", choices=Stage.choices)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why now? What the plan–do–check–act review showed. Kept in the stage history.",
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["to_stage"].choices = [
            (value, f"{label} — {STAGE_HELP[value]}")
            for value, label in Stage.choices
            if value != community.stage
        ]


class MembershipForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="Internal leadership roles",
        choices=LeadershipRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Several people may share a role, and one person may hold several. "
        "Distributed leadership is a success factor.",
    )

    compute_level = forms.BooleanField(
        label="Compute the level from behaviour",
        required=False,
        help_text="Clear the level set by hand: it is then computed nightly from attendance "
        "and contributions.",
    )

    class Meta:
        model = Membership
        fields = ["level", "is_coordinator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.level_is_manual):
            del self.fields["compute_level"]
        if self.instance.pk:
            self.fields["roles"].initial = [r.role for r in self.instance.leadership_roles.all()]


class AddMemberForm(MembershipForm):
    email = forms.EmailField(
        label="Person's email",
        help_text="Someone who already has an account, found in the people directory.",
    )

    class Meta(MembershipForm.Meta):
        fields = ["email", "level", "is_coordinator"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["level"].initial = Level.PERIPHERAL

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Nobody with this email has an account yet.")
        if self.community.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{user} is already a member of this community.")
        self.user = user
        return email


# --- Rhythm, sessions and activities -------------------------------------------------

MAX_SESSIONS_IN_TWO_YEARS = 750


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RhythmForm(forms.ModelForm):
    class Meta:
        model = Rhythm
        fields = [
            "title", "activity_type", "format", "channel", "recurrence", "rrule", "starts_at",
            "until", "duration_minutes", "location", "meeting_link",
        ]  # fmt: skip
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "starts_at": "Date and time of the first session, in the program's time zone.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].help_text = "The seven types of learning activities."
        self.fields["format"].help_text = "How the sessions engage people."
        self.fields["duration_minutes"].label = "Duration (minutes)"
        self.fields["duration_minutes"].validators.append(MaxValueValidator(24 * 60))
        self.fields["duration_minutes"].validators.append(MinValueValidator(5))

    def clean(self):
        from .rhythm.services import RecurrenceError, parse_rule, rule_text

        data = super().clean()
        starts_at, recurrence = data.get("starts_at"), data.get("recurrence")
        until = data.get("until")
        if starts_at and until and until < timezone.localtime(starts_at).date():
            self.add_error("until", "The last date is before the first session.")
        if recurrence == Recurrence.CUSTOM and not data.get("rrule"):
            self.add_error("rrule", "Enter the custom rule, e.g. FREQ=MONTHLY;BYDAY=-1FR.")
        elif starts_at and recurrence:
            text = rule_text(recurrence, starts_at, data.get("rrule", ""))
            try:
                rule = parse_rule(text, timezone.localtime(starts_at).replace(tzinfo=None))
            except RecurrenceError as error:
                self.add_error("rrule", str(error))
            else:
                count = sum(
                    1 for _ in zip(rule, range(MAX_SESSIONS_IN_TWO_YEARS + 1), strict=False)
                )
                if count == 0:
                    self.add_error("rrule", "This rule never happens in the next two years.")
                elif count > MAX_SESSIONS_IN_TWO_YEARS:
                    self.add_error("rrule", "Too many sessions: a rhythm meets at most daily.")
            if recurrence != Recurrence.CUSTOM:
                data["rrule"] = ""
        return data


class SessionForm(forms.ModelForm):
    """A one-off session, or a single occurrence moved to another time or place."""

    class Meta:
        model = Session
        fields = [
            "title", "activity_type", "format", "channel", "starts_at", "duration_minutes",
            "location", "meeting_link",
        ]  # fmt: skip
        widgets = {"starts_at": LocalDateTimeInput()}
        labels = {"starts_at": "Date and time", "duration_minutes": "Duration (minutes)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].validators.append(MaxValueValidator(24 * 60))


class AttendeeSelect(forms.SelectMultiple):
    """A multi-select with a type-to-filter box (static/js/childcop.js), for hundreds of members."""

    def __init__(self, attrs=None):
        super().__init__({"size": 10, "data-filterable": "true", **(attrs or {})})


class ActivityForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=AttendeeSelect(),
        help_text="Type to filter; hold Ctrl (⌘ on a Mac) to choose several members.",
    )

    class Meta:
        model = Activity
        fields = ["date", "title", "activity_type", "format", "session", "summary", "guest_count"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.community = community
        self.fields["attendees"].queryset = (
            get_user_model()
            .objects.filter(memberships__community=community)
            .order_by("display_name")
        )
        now = timezone.now()
        sessions = community.sessions.filter(
            starts_at__lte=now + timedelta(days=1), starts_at__gte=now - timedelta(days=120)
        )
        sessions = sessions.filter(Q(activity__isnull=True) | Q(pk=self.instance.session_id))
        self.fields["session"].queryset = sessions.order_by("-starts_at")
        self.fields["session"].label = "Rhythm session"
        self.fields["session"].help_text = "If this activity was one of the rhythm's sessions."
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%d %b %Y %H:%M} — {s.title}"
        )
        if self.instance.pk:
            self.fields["attendees"].initial = list(
                self.instance.attendance.values_list("user_id", flat=True)
            )
        self.fields["guest_count"].validators.append(MaxValueValidator(100000))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError("Log an activity once it has happened.")
        return date


class ActivityOutputForm(forms.ModelForm):
    class Meta:
        model = ActivityOutput
        fields = ["kind", "title", "link"]


ActivityOutputFormSet = forms.inlineformset_factory(
    Activity, ActivityOutput, form=ActivityOutputForm, extra=2, can_delete=True, max_num=20,
    validate_max=True,
)  # fmt: skip
