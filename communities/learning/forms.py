"""Forms of the learning room: the agenda and its voting rounds, help requests and their
loop (answer, follow-up, capture), shared-memory entries."""

from django import forms

from communities.choices import AGENDA_WORKFLOW, AgendaStatus, LoopOutcome, MemoryKind
from communities.models import AgendaItem, Answer, HelpRequest, SharedMemoryEntry, VotingRound

# --- the learning agenda ------------------------------------------------------------------


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "faced_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {"title": "The challenge", "faced_by": "Who faces it"}


class AgendaStatusForm(forms.ModelForm):
    """The coordinator moves an item along: raised → prioritised → being addressed → addressed
    or parked, with a note and the activities that address it."""

    class Meta:
        model = AgendaItem
        fields = ["status", "status_note", "activities"]
        widgets = {
            "status_note": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {"status_note": "Note"}
        help_texts = {
            "status_note": "Why it moved: what was decided, what addresses it, what is left.",
            "activities": "Activities of the community that take this challenge up.",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, AgendaStatus(status).label) for status in AGENDA_WORKFLOW.targets("move")
        ]
        field = self.fields["activities"]
        field.queryset = community.activities.order_by("-date", "-id")
        field.required = False
        field.label_from_instance = lambda a: f"{a.date:%d %b %Y} — {a.title}"

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status and not AGENDA_WORKFLOW.allows(self.instance.status, "move", to=status):
            self.add_error("status", "The challenge cannot move there from where it stands.")
        if (
            data.get("status") in (AgendaStatus.ADDRESSED, AgendaStatus.PARKED)
            and not (data.get("status_note") or "").strip()
        ):
            self.add_error("status_note", "Say how it was addressed, or why it is parked.")
        return data


class VotingRoundForm(forms.ModelForm):
    class Meta:
        model = VotingRound
        fields = ["title", "votes_per_member"]
        help_texts = {
            "votes_per_member": "Each member spreads this many votes (dot voting); several "
            "votes may go to one challenge."
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean(self):
        data = super().clean()
        if self.community.voting_rounds.filter(closed_at__isnull=True).exists():
            raise forms.ValidationError("A voting round is open already: close it first.")
        return data


# --- help requests and learning loops ---------------------------------------------------


class HelpRequestForm(forms.ModelForm):
    class Meta:
        model = HelpRequest
        fields = ["title", "challenge", "agenda_item"]
        widgets = {"challenge": forms.Textarea(attrs={"rows": 6})}
        labels = {"title": "Your question", "challenge": "Your challenge"}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.fields["agenda_item"]
        item.queryset = community.agenda_items.exclude(status=AgendaStatus.PARKED).order_by("title")
        item.label = "Agenda item (optional)"
        item.help_text = "A challenge on the community's learning agenda this request is about."
        item.empty_label = "None"
        self.fields["title"].help_text = "One line, e.g. “How do you phrase a penalty clause?”"


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        labels = {"body": "Your answer"}


class FollowUpForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        label="How did it turn out?", choices=LoopOutcome.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = HelpRequest
        fields = ["outcome", "reflection"]
        widgets = {"reflection": forms.Textarea(attrs={"rows": 6})}
        labels = {"reflection": "Your reflection"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reflection = self.fields["reflection"]
        reflection.required = True
        reflection.help_text = "What worked, what did not, what to tell the next member. Markdown."


class CaptureForm(forms.Form):
    kind = forms.ChoiceField(label="Capture as", choices=MemoryKind.choices)


# --- shared memory -----------------------------------------------------------------------


class MemoryEntryForm(forms.ModelForm):
    class Meta:
        model = SharedMemoryEntry
        fields = ["kind", "title", "body", "activity", "help_request", "practice_group"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        labels = {
            "activity": "From the activity",
            "help_request": "From the help request",
            "practice_group": "From the practice group",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = community.activities.order_by("-date", "-id")
        self.fields["activity"].label_from_instance = lambda a: f"{a.date:%d %b %Y} — {a.title}"
        self.fields["help_request"].queryset = community.help_requests.order_by("-created_at")
        self.fields["practice_group"].queryset = community.practice_groups.order_by("name")
        for name in ("activity", "help_request", "practice_group"):
            self.fields[name].empty_label = "None"
            self.fields[name].required = False
