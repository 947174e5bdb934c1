from django import forms

from communities.models import AgendaItem

from .choices import REASON_GUIDANCE, Reason, ResponseKind
from .models import PracticeGroup, ProgressReport, ReportResponse

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
