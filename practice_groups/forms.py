from django import forms
from django.db.models import Q

from communities.models import AgendaItem

from .choices import REASON_GUIDANCE, Reason, ResponseKind, SupportKind, SupportStatus
from .models import PracticeGroup, ProgressReport, ReportResponse, SupportRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def reason_choices():
    """Each reason with what it is for and its typical activities, as guidance."""
    return [
        (r.value, f"{r.label} — {REASON_GUIDANCE[r][0]} (typically: {REASON_GUIDANCE[r][1]})")
        for r in Reason
    ]


class ProposalForm(forms.ModelForm):
    class Meta:
        model = PracticeGroup
        fields = ["name", "reason", "purpose", "deliverable", "expected_end", "agenda_items"]
        widgets = {
            "reason": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "expected_end": DATE,
            "agenda_items": forms.CheckboxSelectMultiple,
        }
        labels = {"agenda_items": "Challenges on the learning agenda it takes up"}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["reason"].choices = reason_choices()
        self.fields["reason"].help_text = "Why the group exists; its typical activities guide you."
        items = self.fields["agenda_items"]
        items.queryset = AgendaItem.objects.filter(community=community).order_by("title")
        items.required = False

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = PracticeGroup.objects.filter(community=self.community, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("This community has a practice group of that name.")
        return name


class ReviewForm(forms.Form):
    CHARTER, CHANGES, DECLINE = "charter", "changes", "decline"
    decision = forms.ChoiceField(
        choices=[
            (CHARTER, "Charter the group: it becomes active"),
            (CHANGES, "Ask for changes: the proposer edits and proposes again"),
            (DECLINE, "Decline the proposal"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Charter note, or the changes asked for",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in (self.CHANGES, self.DECLINE)
            and not data.get("note", "").strip()
        ):
            self.add_error("note", "Tell the proposer what to change, or why it is declined.")
        return data


class ConcludeForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the group achieved, delivered and learnt. Markdown.",
    )


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class ReplyForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"reply": "The group's answer to the responses. Markdown."}

    def clean_reply(self):
        reply = self.cleaned_data["reply"].strip()
        if not reply:
            raise forms.ValidationError("Write the group's reply.")
        return reply


class ResponseForm(forms.ModelForm):
    class Meta:
        model = ReportResponse
        fields = ["kind", "comment"]
        widgets = {"kind": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Your response"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ResponseKind.choices

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") in (ResponseKind.CRITIQUE, ResponseKind.REFINE)
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", "Say what you would critique or refine.")
        return data


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
