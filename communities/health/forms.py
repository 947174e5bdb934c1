"""Forms of health checks (opening one for a period, a core group member's answer) and of
support requests (asking the social learning team, and its queue's edits)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .choices import FailureFactor, SuccessFactor, SupportKind, SupportStatus
from .models import SCORE_MAX, HealthCheck, HealthRating, SupportRequest


def period_containing(day: date, every_months: int | None = None) -> tuple[date, date]:
    """The health-check period around `day`: blocks of `every_months` months from January
    (3: calendar quarters; 6: half-years; 12: the calendar year; 1: months)."""
    every = every_months or settings.CHILDCOP_HEALTH_CHECK_EVERY_MONTHS
    every = max(1, min(12, every))
    first_month = (day.month - 1) // every * every + 1
    start = date(day.year, first_month, 1)
    months = first_month - 1 + every  # months after January 1st of day.year
    end = date(day.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)
    return start, end


def previous_period(start: date, every_months: int | None = None) -> tuple[date, date]:
    return period_containing(start - timedelta(days=1), every_months)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def period_conflicts(community, start=None, end=None) -> list[tuple[str | None, str]]:
    """Why a health check for `start`–`end` cannot be opened now, as (field, message) pairs
    (field None: the whole form): a check of the community covers part of the period, or one
    is still open. The form asks this, and `checks.open_check` asks again under a lock."""
    conflicts = []
    if start and end:
        overlapping = (
            community.health_checks.filter(period_start__lte=end, period_end__gte=start)
            .order_by("period_start")
            .first()
        )
        if overlapping is not None:
            conflicts.append(
                (
                    "period_start",
                    f"This period was already assessed: the health check "
                    f"{overlapping.period_label} covers part of it.",
                )
            )
    still_open = community.health_checks.filter(closed_at__isnull=True).first()
    if still_open is not None:
        conflicts.append(
            (
                None,
                f"The health check {still_open.period_label} is still open: close it before "
                "opening another.",
            )
        )
    return conflicts


class OpenHealthCheckForm(forms.ModelForm):
    class Meta:
        model = HealthCheck
        fields = ["period_start", "period_end", "answer_by"]
        labels = {
            "period_start": "Period from",
            "period_end": "Period to",
            "answer_by": "Answer by",
        }
        widgets = {name: DateInput() for name in fields}

    def __init__(self, *args, community, today=None, **kwargs):
        self.community = community
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        start, end = period_containing(self.today)
        # Prefilled only with a period that can be opened: never dates bound to fail.
        if not period_conflicts(community, start, end):
            self.fields["period_start"].initial = start
            self.fields["period_end"].initial = end
        self.fields["answer_by"].initial = self.today + timedelta(
            days=settings.CHILDCOP_HEALTH_CHECK_ANSWER_DAYS
        )
        self.fields[
            "period_start"
        ].help_text = "The period the core group looks back on (by default the current quarter)."
        self.fields["answer_by"].help_text = (
            "Core group members who have not answered get one reminder in the "
            f"{settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE} days before this date."
        )

    def clean_period_start(self):
        start = self.cleaned_data["period_start"]
        if start > self.today:
            raise forms.ValidationError("The period has not begun yet.")
        return start

    def clean_answer_by(self):
        answer_by = self.cleaned_data["answer_by"]
        if answer_by < self.today:
            raise forms.ValidationError("The answer date is in the past.")
        return answer_by

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period ends before it starts.")
            return cleaned
        for name, message in period_conflicts(self.community, start, end):
            self.add_error(name, message)
        return cleaned

    def validate_unique(self):
        """The community is not a form field; `clean` already refused a period assessed."""


class RangeInput(forms.NumberInput):
    input_type = "range"


CANT_SAY = "Can't say"


class AnswerForm(forms.Form):
    """Per dimension in use: a slider (0–5), a "Can't say" box (no rating for it: the mean
    and the count leave it out) and an optional note; then the factors and notes.

    "Can't say" starts ticked for a dimension not rated yet, so a slider left untouched
    records nothing rather than a 0; moving the slider unticks it (the template's script),
    and rating 0 means unticking it with the slider at 0."""

    success_factors = forms.MultipleChoiceField(
        choices=SuccessFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Success factors you see",
    )
    failure_factors = forms.MultipleChoiceField(
        choices=FailureFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Failure factors you see",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        label="Notes",
        help_text="Anything the core group should talk about: what is going well, what worries you.",
    )

    def __init__(self, *args, dimensions, response=None, **kwargs):
        self.dimensions = list(dimensions)
        initial = kwargs.pop("initial", {}) or {}
        ratings = {r.dimension_id: r for r in response.ratings.all()} if response else {}
        if response is not None:
            initial.update(
                success_factors=response.success_factors,
                failure_factors=response.failure_factors,
                notes=response.notes,
            )
        for dimension in self.dimensions:
            rating = ratings.get(dimension.pk)
            initial[f"score_{dimension.pk}"] = rating.score if rating else 0
            initial[f"cant_say_{dimension.pk}"] = rating is None
            initial[f"note_{dimension.pk}"] = rating.note if rating else ""
        super().__init__(*args, initial=initial, **kwargs)
        for dimension in self.dimensions:
            self.fields[f"score_{dimension.pk}"] = forms.IntegerField(
                label=dimension.name,
                required=False,  # "Can't say" instead (clean() asks for one or the other)
                min_value=0,
                max_value=SCORE_MAX,
                widget=RangeInput(attrs={"min": 0, "max": SCORE_MAX, "step": 1}),
                help_text=dimension.meaning,
            )
            self.fields[f"cant_say_{dimension.pk}"] = forms.BooleanField(
                label=CANT_SAY,
                required=False,
                widget=forms.CheckboxInput(
                    attrs={
                        "class": "form-check-input",
                        "aria-describedby": f"id_score_{dimension.pk}_meaning",
                    }
                ),
            )
            self.fields[f"note_{dimension.pk}"] = forms.CharField(
                label=f"Note on {dimension.name}",
                required=False,
                max_length=HealthRating._meta.get_field("note").max_length,
            )  # with an error, Django links it: aria-invalid, aria-describedby="…_error"

    def rows(self):
        """(dimension, slider, "can't say" box, note) for the template, in order."""
        return [
            (d, self[f"score_{d.pk}"], self[f"cant_say_{d.pk}"], self[f"note_{d.pk}"])
            for d in self.dimensions
        ]

    def factor_fields(self):
        return [self["success_factors"], self["failure_factors"]]

    def clean(self):
        cleaned = super().clean()
        for d in self.dimensions:
            score_name = f"score_{d.pk}"
            if score_name in self.errors:
                continue
            score, cant_say = cleaned.get(score_name), cleaned.get(f"cant_say_{d.pk}")
            if cant_say:
                if score:  # moved off 0 and "Can't say" still ticked (no script): ask
                    self.add_error(
                        score_name,
                        f"You moved the slider and ticked “{CANT_SAY}”: untick it to give "
                        "this rating, or put the slider back to 0.",
                    )
                elif (cleaned.get(f"note_{d.pk}") or "").strip():
                    self.add_error(
                        f"note_{d.pk}",
                        f"A note goes with a rating: give one, or untick “{CANT_SAY}” — or "
                        "put this in your general notes.",
                    )
            elif score is None:
                self.add_error(score_name, f"Give a rating from 0 to 5, or tick “{CANT_SAY}”.")
        return cleaned

    @property
    def dimension_ids(self) -> list[int]:
        """The dimensions this form asks about: an answer replaces its ratings of these only."""
        return [d.pk for d in self.dimensions]

    def ratings(self) -> dict[int, tuple[int, str]]:
        """{dimension id: (score, note)} of the dimensions rated ("Can't say" left out)."""
        return {
            d.pk: (self.cleaned_data[f"score_{d.pk}"], self.cleaned_data[f"note_{d.pk}"].strip())
            for d in self.dimensions
            if not self.cleaned_data[f"cant_say_{d.pk}"]
        }


class SupportRequestForm(forms.ModelForm):
    """What coordinators and practice groups ask the social learning team for."""

    class Meta:
        model = SupportRequest
        fields = ["kind", "description"]
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 4})}
        labels = {"kind": "Support needed", "description": "What you need, and by when"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SupportKind.choices  # radio buttons: no blank choice


TEAM_Q = Q(is_active=True) & (Q(is_program_admin=True) | Q(is_superuser=True))


def program_admins():
    """Who may be assigned a support request: the social learning team."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(TEAM_Q).order_by("display_name", "email")


def in_team(user) -> bool:
    return bool(user.is_active and (user.is_program_admin or user.is_superuser))


def former_assignee_label(user) -> str:
    """How the queue and the form name an assignee who has left the social learning team."""
    return f"{user} (no longer in the social learning team)"


def assignees(current_id=None):
    """The social learning team, and the request's current assignee even if they have left
    it: an edit that does not touch the assignee keeps them (never someone else silently)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if current_id is None:
        return program_admins()
    return users.filter(TEAM_Q | Q(pk=current_id)).order_by("display_name", "email")


class SupportAssignForm(forms.ModelForm):
    """The queue's quick edit: assign to a member of the social learning team, move the status."""

    class Meta:
        model = SupportRequest
        fields = ["handled_by", "status"]
        labels = {"handled_by": "Assignee"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.handled_by_id
        field = self.fields["handled_by"]
        field.queryset = assignees(current)
        field.label_from_instance = lambda user: (
            former_assignee_label(user) if user.pk == current and not in_team(user) else str(user)
        )
        self.fields["handled_by"].empty_label = "Nobody yet"
        self.fields[
            "handled_by"
        ].help_text = (
            "A member of the social learning team. Left empty when the work starts, it is yours."
        )
        self.fields["status"].choices = SupportStatus.choices


class SupportUpdateForm(SupportAssignForm):
    """The full edit: also the note the requester reads."""

    class Meta(SupportAssignForm.Meta):
        fields = ["handled_by", "status", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
