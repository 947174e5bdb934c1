from django import forms

from childcop.accounts.picker import PersonField

from .choices import STAGE_HELP, LeadershipRole, Level, Stage
from .models import Community, Membership, Objective

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
    Community, Objective, form=ObjectiveForm, extra=2, can_delete=True, max_num=30, absolute_max=30,
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
    email = PersonField(
        label="Person",
        help_text="Someone who already has an account: type their name or email.",
    )

    class Meta(MembershipForm.Meta):
        fields = ["email", "level", "is_coordinator"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["level"].initial = Level.PERIPHERAL

    def clean_email(self):
        user = self.cleaned_data["email"]
        if self.community.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{user} is already a member of this community.")
        self.user = user
        return user.email
