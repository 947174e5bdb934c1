"""Forms of sponsorship: appointments, mentoring pairs and check-ins, councils, the business
case (its answers and a sponsor's response) and the agreement with its commitments."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from childcop.accounts.picker import PersonField
from communities.choices import Stage
from communities.models import Community

from .choices import (
    BUSINESS_CASE_QUESTIONS,
    GUIDANCE,
    AppointmentRole,
    AppointmentStatus,
    ResponseKind,
    Scope,
)
from .models import Agreement, Appointment, CheckIn, Commitment, Council, MentorPair


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PeopleSelect(forms.SelectMultiple):
    """A tall multi-select that childcop.js makes filterable as you type."""

    def __init__(self, attrs=None):
        super().__init__({"size": 10, "data-filterable": "true", **(attrs or {})})


def open_communities():
    return Community.objects.exclude(stage=Stage.CLOSED).order_by("name")


# --- Appointments -----------------------------------------------------------------------


class AppointmentRoleForm(forms.ModelForm):
    """What an appointment is about: role, kind of sponsor, expertise areas, who suggested them."""

    suggested_by_email = PersonField(
        label="Suggested by",
        required=False,
        help_text="Who put this person forward, if anyone: type their name or email.",
    )

    class Meta:
        model = Appointment
        fields = ["role", "sponsor_kind", "expertise", "reason", "identified_on"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3}), "identified_on": DateInput()}
        labels = {"identified_on": "Identified on"}
        help_texts = {
            "sponsor_kind": "For sponsors: portfolio (several communities), local, domain or "
            "individual sponsor.",
            "reason": "Why them: what makes this person a good candidate.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.suggested_by_id and not self.is_bound:
            self.fields["suggested_by_email"].initial = self.instance.suggested_by.email

    def clean_identified_on(self):
        date = self.cleaned_data["identified_on"]
        if date and date > timezone.localdate():
            raise forms.ValidationError("A person is identified on a day that has come.")
        return date

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == AppointmentRole.SPONSOR and not cleaned.get("sponsor_kind"):
            self.add_error("sponsor_kind", "Say which kind of sponsor.")
        elif role and role != AppointmentRole.SPONSOR:
            cleaned["sponsor_kind"] = ""
        if role == AppointmentRole.SME and not (cleaned.get("expertise") or "").strip():
            self.add_error("expertise", "Name the SME's expertise areas.")
        return cleaned

    def save(self, commit=True):
        self.instance.suggested_by = self.cleaned_data.get("suggested_by_email")
        self.instance.sponsor_kind = self.cleaned_data.get("sponsor_kind", "")
        return super().save(commit=commit)


class IdentifyForm(AppointmentRoleForm):
    """Record a potential candidate for a formal role."""

    person_email = PersonField(label="Person")

    class Meta(AppointmentRoleForm.Meta):
        fields = ["role", "sponsor_kind", "expertise", "reason", "identified_on"]

    field_order = ["person_email", "role", "sponsor_kind", "expertise", "suggested_by_email"]

    def clean_person_email(self):
        self.person = self.cleaned_data.get("person_email")
        return self.person

    def clean(self):
        cleaned = super().clean()
        person, role = cleaned.get("person_email"), cleaned.get("role")
        if person and role:
            busy = Appointment.objects.filter(person=person, role=role).exclude(
                status=AppointmentStatus.ENDED
            )
            if busy.exists():
                self.add_error(
                    "person_email",
                    f"{person} is already identified or appointed as "
                    f"{AppointmentRole(role).label.lower()}.",
                )
        return cleaned

    def save(self, commit=True):
        self.instance.person = self.cleaned_data["person_email"]
        self.instance.status = AppointmentStatus.IDENTIFIED
        return super().save(commit=commit)


class AppointForm(forms.ModelForm):
    """Officially appoint an identified person: date, scope, communities, term end."""

    class Meta:
        model = Appointment
        fields = ["appointed_on", "scope", "communities", "term_end"]
        widgets = {
            "appointed_on": DateInput(),
            "term_end": DateInput(),
            "scope": forms.RadioSelect,
            "communities": forms.CheckboxSelectMultiple,
        }
        labels = {"appointed_on": "Officially appointed on", "term_end": "End of term"}
        help_texts = {
            "communities": "For a scope of named communities: the communities they serve.",
            "term_end": "Optional: when the appointment is reviewed or ends.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointed_on"].required = True
        if not self.instance.appointed_on:
            # The instance's empty value would win over a field initial.
            self.initial["appointed_on"] = timezone.localdate()
        self.fields["communities"].queryset = open_communities()

    def clean(self):
        cleaned = super().clean()
        scope, communities = cleaned.get("scope"), cleaned.get("communities")
        if scope == Scope.COMMUNITIES and not communities:
            self.add_error("communities", "Choose at least one community, or the whole program.")
        elif scope == Scope.PROGRAM:
            cleaned["communities"] = Community.objects.none()
        start, end = cleaned.get("appointed_on"), cleaned.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", "The term ends after the appointment starts.")
        identified = self.instance.identified_on
        if start and identified and start < identified:
            self.add_error("appointed_on", "A person is appointed after being identified.")
        return cleaned


class EndForm(forms.Form):
    ended_on = forms.DateField(label="Ended on", widget=DateInput(), initial=timezone.localdate)
    end_note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the appointment ends, and any thanks or hand-over to remember.",
    )

    def __init__(self, *args, appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def clean_ended_on(self):
        date = self.cleaned_data["ended_on"]
        start = self.appointment.appointed_on or self.appointment.identified_on
        if start and date < start:
            raise forms.ValidationError(f"The end cannot come before {start:%d %B %Y}.")
        return date


# --- Mentoring --------------------------------------------------------------------------


class MentorPairForm(forms.ModelForm):
    mentor_email = PersonField(label="Mentor")
    mentee_email = PersonField(label="Mentee")

    class Meta:
        model = MentorPair
        fields = ["community", "goals", "start", "planned_end", "status"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "start": DateInput(),
            "planned_end": DateInput(),
        }
        help_texts = {"community": "Optional: the community the mentoring happens in."}

    field_order = ["mentor_email", "mentee_email", "community", "goals"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.order_by("name")
        self.fields["community"].empty_label = "No particular community"
        if self.instance.pk and not self.is_bound:
            self.fields["mentor_email"].initial = self.instance.mentor.email
            self.fields["mentee_email"].initial = self.instance.mentee.email

    def clean(self):
        cleaned = super().clean()
        mentor, mentee = cleaned.get("mentor_email"), cleaned.get("mentee_email")
        if mentor and mentee and mentor == mentee:
            self.add_error("mentee_email", "A person cannot mentor themselves.")
        start, end = cleaned.get("start"), cleaned.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", "The planned end comes after the start.")
        return cleaned

    def save(self, commit=True):
        self.instance.mentor = self.cleaned_data["mentor_email"]
        self.instance.mentee = self.cleaned_data["mentee_email"]
        return super().save(commit=commit)


class CheckInForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["date", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": "Check-in note"}
        help_texts = {"note": "What you talked about, progress on the goals, next steps."}

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("Note a check-in once it has happened.")
        return date


# --- Councils ---------------------------------------------------------------------------


class CouncilForm(forms.ModelForm):
    class Meta:
        model = Council
        fields = ["name", "kind", "purpose", "members"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}), "members": PeopleSelect()}
        help_texts = {
            "members": "Type to filter; hold Ctrl (⌘ on a Mac) to choose several people.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("display_name")
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Council.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A council with this name already exists.")
        return name


# --- Business case ---------------------------------------------------------------------


class BusinessCaseForm(forms.Form):
    """The nine questions; each label is the question, in the sponsor's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, question in BUSINESS_CASE_QUESTIONS:
            self.fields[field] = forms.CharField(
                label=question,
                required=False,
                help_text=GUIDANCE[field] + " Markdown.",
                widget=forms.Textarea(attrs={"rows": 4}),
            )


class ResponseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Your response",
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        initial=ResponseKind.COMMENT,
    )
    text = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for a comment; optional when you endorse. Markdown.",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResponseKind.COMMENT and not data.get("text", "").strip():
            self.add_error("text", "Write your comment.")
        return data


# --- Agreement -------------------------------------------------------------------------


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["review_date", "notes"]
        widgets = {
            "review_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "review_date": "When the community and its sponsor(s) review the agreement together. "
            "Everyone involved is reminded 14 days before, and again if it becomes overdue.",
            "notes": "What was agreed and why: the expectations behind the commitments. Markdown.",
        }


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["side", "owner", "description", "due", "status"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}
        labels = {"due": "Due date"}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class BaseCommitmentFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, owners=None, **kwargs):
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "owners": self.owners}

    @property
    def empty_form(self):
        form = super().empty_form
        if self.owners is not None:
            form.fields["owner"].queryset = self.owners
        return form


CommitmentFormSet = forms.inlineformset_factory(
    Agreement, Commitment, form=CommitmentForm, formset=BaseCommitmentFormSet, extra=3,
    can_delete=True, max_num=50, absolute_max=50, validate_max=True,
)  # fmt: skip
