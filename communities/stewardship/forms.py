"""Stewardship forms: the launch playbook's steps (each asks the guide's questions), the
plan–do–check–act review, closure with a legacy, the cultivation checklist and coaching."""

from django import forms
from django.utils import timezone

from childcop.accounts.picker import PersonField
from communities.choices import LeadershipRole, Level
from communities.models import Membership

from .models import (
    CULTIVATING_EXAMPLES,
    PROCESS_FIELDS,
    ActionItem,
    CoachingSession,
    Conversation,
    CultivatingActivity,
    LaunchKind,
    LaunchPlan,
    LeaderCandidate,
    Legacy,
    PdcaReview,
)

# --- the launch playbook -----------------------------------------------------------------


class OpenPlanForm(forms.Form):
    kind = forms.ChoiceField(choices=LaunchKind.choices, label="Kind of plan")
    lead = PersonField(label="Launch lead", required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["kind"].initial = (
            LaunchKind.LAUNCH if community.stage == "potential" else LaunchKind.RENEWAL
        )

    def clean(self):
        data = super().clean()
        if self.community.launch_plans.filter(status="open").exists():
            raise forms.ValidationError("This community already has a plan in progress.")
        if data.get("kind") == LaunchKind.LAUNCH and self.community.stage != "potential":
            raise forms.ValidationError(
                "Only a community in its potential stage is launched; start a renewal instead."
            )
        return data


class ConversationForm(forms.ModelForm):
    person = PersonField(
        label="Person (people directory)",
        required=False,
        help_text="Someone with an account: type their name or email — or leave empty and "
        "give a name below.",
    )
    would_help = forms.NullBooleanField(
        label="Would they help?",
        required=False,
        widget=forms.Select(
            choices=[("unknown", "Not asked yet"), ("true", "Yes"), ("false", "No")]
        ),
    )

    class Meta:
        model = Conversation
        fields = [
            "person", "name", "email", "held_on", "challenges", "talks_to",
            "existing_community", "would_help",
        ]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "talks_to": forms.Textarea(attrs={"rows": 2}),
            "existing_community": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"name": "Name (not in the directory)", "email": "Their email"}

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") or "").strip():
            raise forms.ValidationError(
                "Say whom you talked to: someone in the directory, or a name."
            )
        return data


class ValuePropositionForm(forms.ModelForm):
    class Meta:
        model = LaunchPlan
        fields = [
            "value_to_organisation", "value_to_people", "how_community_helps",
            "success_looks_like", "why_participate",
        ]  # fmt: skip
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}

    def clean(self):
        data = super().clean()
        if (
            not (data.get("value_to_organisation") or "").strip()
            or not (data.get("value_to_people") or "").strip()
        ):
            raise forms.ValidationError(
                "A value proposition says what the community is worth to the organisation "
                "and to people."
            )
        return data


class CandidateForm(forms.ModelForm):
    person = PersonField(label="Candidate")

    class Meta:
        model = LeaderCandidate
        fields = ["person", "idea", "willing", "meaning", "who_else"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields[1:]}

    def __init__(self, *args, plan, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.by = by
        if self.instance.pk:
            del self.fields["person"]

    def clean_person(self):
        person = self.cleaned_data["person"]
        if person and self.by is not None and person.pk == self.by.pk:
            raise forms.ValidationError(
                "You cannot propose yourself: a candidate is proposed by someone else."
            )
        if person and self.plan.candidates.filter(person=person).exists():
            raise forms.ValidationError(f"{person} is already a candidate.")
        return person


class CandidateResponseForm(forms.Form):
    status = forms.ChoiceField(
        label="Their answer",
        choices=[("accepted", "Accepted: joins the core group"), ("declined", "Declined")],
    )

    def __init__(self, *args, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        if own:  # the candidate answers for themselves
            self.fields["status"].label = "Your answer"
            self.fields["status"].choices = [
                ("accepted", "I accept: I join the core group"),
                ("declined", "I decline"),
            ]

    roles = forms.MultipleChoiceField(
        label="Leadership roles (optional)",
        choices=LeadershipRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LaunchDesignForm(forms.ModelForm):
    class Meta:
        model = LaunchPlan
        fields = ["leaders_prepared", "approach", "launch_activities", "follow_up"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields[1:]}

    def clean(self):
        data = super().clean()
        if not any((data.get(f) or "").strip() for f in self.Meta.fields[1:]):
            raise forms.ValidationError("Describe at least the approach.")
        return data


class LaunchProcessForm(forms.ModelForm):
    class Meta:
        model = LaunchPlan
        fields = [f for group in PROCESS_FIELDS.values() for f in group] + ["workshop_held_on"]
        widgets = {"workshop_held_on": forms.DateInput(attrs={"type": "date"})}


class ActionItemForm(forms.ModelForm):
    owner = PersonField(label="Owner")

    class Meta:
        model = ActionItem
        fields = ["title", "owner", "due_on", "status"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.owner_id:
            self.initial["owner"] = self.instance.owner.email


class CompleteLaunchForm(forms.Form):
    note = forms.CharField(
        label="Note for the stage history",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, complete, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        if not complete:
            self.fields["note"].required = True
            self.fields[
                "note"
            ].help_text = "The launch is not complete yet: say why the community moves on now."


# --- plan–do–check–act reviews and closure ----------------------------------------------


class PdcaReviewForm(forms.ModelForm):
    class Meta:
        model = PdcaReview
        fields = [
            "audience",
            "purpose",
            "members_needs",
            "what_ran",
            "engagement",
            "value_assessed",
            "indicators",
            "stories",
            "sustain",
            "change",
            "act",
            "next_review_on",
        ]
        widgets = {
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
            "stories": forms.CheckboxSelectMultiple,
            "act": forms.RadioSelect,
        }
        for name in ("audience", "purpose", "members_needs", "what_ran", "engagement"):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
        for name in ("value_assessed", "indicators", "sustain", "change"):
            widgets[name] = forms.Textarea(attrs={"rows": 3})

    PARTS = {
        "Plan": ["audience", "purpose", "members_needs"],
        "Do": ["what_ran", "engagement"],
        "Check": ["value_assessed", "indicators", "stories"],
        "Act": ["sustain", "change", "act", "next_review_on"],
    }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from value_stories.choices import Status

        self.fields["stories"].queryset = community.value_stories.filter(
            status=Status.APPROVED
        ).order_by("-id")
        self.fields["stories"].help_text = "Approved value-creation stories of this community."
        self.fields["stories"].label = "Value-creation stories"

    def clean_next_review_on(self):
        value = self.cleaned_data["next_review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The next review lies in the future.")
        return value

    def parts(self):
        return [(title, [self[name] for name in names]) for title, names in self.PARTS.items()]


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Legacy
        fields = ["kept", "members_go", "closing_note"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


# --- the cultivation checklist and coaching ----------------------------------------------


class ChecklistForm(forms.Form):
    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for activity in CultivatingActivity:
            check = checks.get(activity.value)
            self.fields[f"{activity.value}-done"] = forms.BooleanField(
                label=f"{activity.label}: done",
                required=False,
                initial=bool(check and check.done),
            )
            self.fields[f"{activity.value}-note"] = forms.CharField(
                label=f"{activity.label}: note",
                required=False,
                max_length=2000,
                initial=check.note if check else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What was done, or what needs attention.",
            )
            self.rows.append(
                (
                    activity,
                    CULTIVATING_EXAMPLES[activity],
                    self[f"{activity.value}-done"],
                    self[f"{activity.value}-note"],
                )
            )


class CoachingForm(forms.ModelForm):
    class Meta:
        model = CoachingSession
        fields = ["leaders", "held_on", "topics", "follow_up"]
        widgets = {
            "leaders": forms.CheckboxSelectMultiple,
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, community, **kwargs):
        from childcop.accounts.models import User

        super().__init__(*args, **kwargs)
        leaders = Membership.objects.filter(community=community).filter(
            is_coordinator=True
        ) | Membership.objects.filter(community=community, level=Level.CORE)
        self.fields["leaders"].queryset = User.objects.filter(
            pk__in=leaders.values("user_id")
        ).order_by("display_name", "email")
        self.fields["leaders"].help_text = "The community's coordinators and core group."

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("Log a coaching session once it was held.")
        return value
