from datetime import timedelta

from django import forms
from django.utils import timezone

from .choices import CYCLE_HELP, Cycle, cycle_field
from .models import StoryIndicator, ValueStory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The guided story, one group of questions per step; the indicators step holds the indicator
# forms, and a review of every answer comes last.
STEPS = {
    "happened": (
        "What happened",
        ["title", "happened_on", "author_role", "narrative", "activity", "activity_description",
         "experience", "involvement"],
    ),
    "changed": (
        "What it changed",
        ["cycles", "gained", "applied", "difference", "reframing", "enablers", "strategy",
         "transformation", "fed_back"],
    ),
    "indicators": ("The indicators", []),
    "readers": ("Who may read it", ["visibility"]),
}  # fmt: skip
REVIEW = "review"
STEP_ORDER = [*STEPS, REVIEW]


class StoryForm(forms.ModelForm):
    """The guided story form: the template's questions in the order of the cycles."""

    cycles = forms.MultipleChoiceField(
        label="Which value-creation cycles does your story claim?",
        choices=[(c.value, f"{c.label} — {CYCLE_HELP[c]}") for c in Cycle],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tag each cycle your story gives evidence of; a story walks from immediate "
        "to realized value, and sometimes beyond.",
    )

    class Meta:
        model = ValueStory
        fields = [
            "title", "happened_on", "author_role", "narrative", "visibility", "activity",
            "involvement", "activity_description", "experience", "gained", "applied",
            "difference", "reframing", "enablers", "strategy", "transformation", "fed_back",
        ]  # fmt: skip
        widgets = {
            "happened_on": DATE,
            "narrative": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            **{f: forms.Textarea(attrs={"rows": 3}) for f in ValueStory.TEXT_FIELDS},
        }

    def __init__(self, *args, community, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        if step is not None:  # one step of the guided story: only its questions
            for name in [n for n in self.fields if n not in STEPS[step][1]]:
                del self.fields[name]
        if "activity" in self.fields:
            activity = self.fields["activity"]
            activity.queryset = community.activities.order_by("-date", "-id")
            activity.label = "Linked activity"
            activity.help_text = (
                "A logged activity of the community this story starts from (optional)."
            )
            activity.label_from_instance = lambda a: f"{a.date:%d %b %Y} — {a.title}"
        if self.instance.pk and "cycles" in self.fields:
            self.fields["cycles"].initial = [c.value for c in self.instance.cycles]
        # What a story needs before it is submitted (ValueStory.missing_for_submission): marked
        # like a required question, though a draft is kept without it.
        for name in ("activity_description", "experience", "cycles"):
            if name in self.fields:
                self.fields[name].needed_to_submit = True
        if "activity_description" in self.fields and "activity" in self.fields:
            described = self.fields["activity_description"]
            described.help_text = f"Or choose the linked activity above. {described.help_text}"

    @property
    def marks_needed(self) -> bool:
        """Whether any question of this step is marked as needed."""
        return any(
            field.required or getattr(field, "needed_to_submit", False)
            for field in self.fields.values()
        )

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day and day > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError("Tell the story once it has happened (or hope for it).")
        return day

    def save(self, commit=True):
        story = super().save(commit=False)
        if "cycles" in self.fields:
            chosen = set(self.cleaned_data.get("cycles") or [])
            for cycle in Cycle:
                setattr(story, cycle_field(cycle), cycle.value in chosen)
        if commit:
            story.save()
        return story


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = StoryIndicator
        fields = ["name", "unit", "before", "after", "source"]


IndicatorFormSet = forms.inlineformset_factory(
    ValueStory, StoryIndicator, form=IndicatorForm, extra=2, can_delete=True, max_num=20, absolute_max=20,
    validate_max=True,
)  # fmt: skip


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the story"), ("return", "Return it with comments")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required when returning: what should the author add or change?",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what the author should add or change.")
        return data


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label="Why (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
