"""The rhythm's forms: rhythms, one-off sessions, activities with their outputs and
attendees, and the attendance import's upload and confirmation."""

import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from childcop.validators import single_line
from communities.choices import Recurrence, SessionStatus

from .models import Activity, ActivityOutput, AttendanceImport, Rhythm, Session
from .services import RecurrenceError, parse_rule, rule_text
from .services.attendance_import import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    parse_csv,
    split_names,
)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = (
            "Date and time of the first session, in your time zone "
            f"({timezone.get_current_timezone_name()}); the sessions keep the program's "
            "wall-clock time across daylight-saving changes."
        )
        self.fields["activity_type"].help_text = "The seven types of learning activities."
        self.fields["format"].help_text = "How the sessions engage people."
        self.fields["duration_minutes"].label = "Duration (minutes)"
        self.fields["duration_minutes"].validators.append(MaxValueValidator(24 * 60))
        self.fields["duration_minutes"].validators.append(MinValueValidator(5))

    def clean(self):
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
        self.fields[
            "starts_at"
        ].help_text = f"In your time zone ({timezone.get_current_timezone_name()})."
        self.fields["duration_minutes"].validators.append(MaxValueValidator(24 * 60))


class SessionSelect(forms.Select):
    """The rhythm's sessions, each option carrying what an activity takes from its session:
    choosing one fills the date, time, title, type, format and channel (static/js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        session = getattr(value, "instance", None)
        if session is not None:
            local = timezone.localtime(session.starts_at)
            option["attrs"].update(
                {
                    "data-date": f"{local:%Y-%m-%d}",
                    "data-time": f"{local:%H:%M}",
                    "data-title": session.title,
                    "data-activity-type": session.activity_type,
                    "data-format": session.format,
                    "data-channel": session.channel,
                }
            )
        return option


class AttendeeChecklist(forms.CheckboxSelectMultiple):
    """The community's members as a checklist; each box carries the day its member joined,
    so that "everyone invited" ticks the members of the community on the session's day."""

    joined: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        joined = self.joined.get(getattr(value, "value", value))
        if joined:
            option["attrs"]["data-joined"] = f"{joined:%Y-%m-%d}"
        return option


class ActivityForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=AttendeeChecklist(),
        label="Who took part",
        help_text="Tick the members who took part; type a name to find someone.",
    )
    guest_names = forms.CharField(
        label="Guests",
        required=False,
        max_length=2000,
        validators=[single_line],
        help_text="Names of people from outside the community, separated by commas.",
    )
    unnamed_guests = forms.IntegerField(
        label="Other guests",
        required=False,
        min_value=0,
        max_value=100000,
        help_text="How many more guests took part whose names you don't have.",
    )

    class Meta:
        model = Activity
        fields = [
            "session", "date", "start_time", "title", "activity_type", "format", "channel",
            "summary",
        ]  # fmt: skip
        widgets = {
            "session": SessionSelect(),
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["attendees"].queryset = (
            get_user_model()
            .objects.filter(memberships__community=community)
            .order_by("display_name")
        )
        self.fields["attendees"].widget.joined = dict(
            community.memberships.values_list("user_id", "joined_on")
        )
        now = timezone.now()
        # Sessions that have begun (a cancelled one labelled so) and are not logged yet; the
        # activity's own session when it is edited. Not those still to come: an activity is
        # logged once it has happened.
        begun = Q(starts_at__lte=now, starts_at__gte=now - timedelta(days=120))
        sessions = community.sessions.filter(
            (begun & Q(activity__isnull=True)) | Q(pk=self.instance.session_id)
        )
        self.fields["session"].queryset = sessions.order_by("-starts_at")
        self.fields["session"].label = "Rhythm session"
        self.fields[
            "session"
        ].help_text = (
            "If this activity was one of the rhythm's sessions: choosing it fills in the rest."
        )
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%a %d %b %Y %H:%M} — {s.title}"
            + (" (cancelled)" if s.status == SessionStatus.CANCELLED else "")
        )
        self.fields["channel"].label = "Channel"
        if self.instance.pk:
            self.fields["attendees"].initial = list(
                self.instance.attendance.values_list("user_id", flat=True)
            )
            named = split_names(self.instance.guest_names)
            self.fields["guest_names"].initial = ", ".join(named)
            self.fields["unnamed_guests"].initial = max(self.instance.guest_count - len(named), 0)
        required = {
            "date": "Enter the date of the activity, or choose its rhythm session.",
            "title": "Enter a title for the activity.",
            "activity_type": "Choose the type of learning activity.",
            "format": "Choose the format.",
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message
        if self.is_bound:
            self._fill_from_session(sessions)

    def _fill_from_session(self, sessions):
        """What was left empty is taken from the chosen session (with or without the script)."""
        session_id = str(self.data.get(self.add_prefix("session")) or "")
        session = (
            sessions.filter(pk=session_id).first()
            if re.fullmatch(r"[1-9][0-9]{0,17}", session_id)
            else None
        )
        if session is None:
            return
        local = timezone.localtime(session.starts_at)
        taken = {
            "date": f"{local:%Y-%m-%d}",
            "start_time": f"{local:%H:%M}",
            "title": session.title,
            "activity_type": session.activity_type,
            "format": session.format,
            "channel": session.channel,
        }
        data = self.data.copy()
        for name, value in taken.items():
            if not str(data.get(self.add_prefix(name)) or "").strip():
                data[self.add_prefix(name)] = value
        self.data = data

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError("Log an activity once it has happened.")
        return date

    def clean_guest_names(self):
        names = split_names(self.cleaned_data["guest_names"])
        for name in names:
            if len(name) > 150:
                raise forms.ValidationError("Each guest's name can have at most 150 characters.")
        return names

    def save(self, commit=True):
        activity = super().save(commit=False)
        names = self.cleaned_data.get("guest_names") or []
        activity.guest_names = "\n".join(names)
        activity.guest_count = len(names) + (self.cleaned_data.get("unnamed_guests") or 0)
        if commit:
            activity.save()
        return activity


class ActivityOutputForm(forms.ModelForm):
    class Meta:
        model = ActivityOutput
        fields = ["kind", "title", "link"]


ActivityOutputFormSet = forms.inlineformset_factory(
    Activity, ActivityOutput, form=ActivityOutputForm, extra=2, can_delete=True, max_num=20, absolute_max=20,
    validate_max=True,
)  # fmt: skip


# --- Attendance import: upload, then confirm after the preview ----------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Attendance file (CSV)",
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        help_text="One row per person with an email column, e.g. a meeting tool's attendance "
        f"report. Up to 2 MB and {MAX_ROWS:,} rows; UTF-8 (or UTF-16, as Teams exports); "
        "separated by commas, semicolons or tabs.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                "The file is larger than 2 MB. Upload only the list of attendees, or split it."
            )
        try:
            self.parsed = parse_csv(upload.read(MAX_BYTES + 1))
        except ImportFileError as error:
            raise ValidationError(str(error)) from None
        return upload


class ConfirmForm(forms.Form):
    Action = AttendanceImport.UnknownAction
    unknown_action = forms.ChoiceField(
        label="People whose email has no account",
        choices=Action.choices,
        initial=Action.GUEST,
        required=False,
        widget=forms.RadioSelect,
        help_text="Guests are counted on the activity by their name in the file. Invite: an "
        "account is created for each of them, they are added to the community as peripheral "
        "members, marked as attended, and emailed a link to set their password.",
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        unknown = report.get("unknown", [])
        if not unknown:
            del self.fields["unknown_action"]
        elif not any(e.get("invitable") for e in unknown):  # nobody may be invited
            self.fields["unknown_action"].choices = [
                (value, label) for value, label in self.Action.choices
                if value != self.Action.INVITE
            ]  # fmt: skip
            self.fields[
                "unknown_action"
            ].help_text = "Guests are counted on the activity by their name in the file."
