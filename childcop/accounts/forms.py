from django import forms

from childcop.validators import single_line

from . import notices
from .adapter import domain_refusal, email_domain_allowed
from .models import Channel, User


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(max_length=150, label="Your name", validators=[single_line])
    job_title = forms.CharField(max_length=150, required=False, validators=[single_line])
    department = forms.CharField(max_length=150, required=False, validators=[single_line])

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and not email_domain_allowed(email):
            self.add_error("email", domain_refusal())
        return cleaned

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.job_title = self.cleaned_data["job_title"].strip()
        user.department = self.cleaned_data["department"].strip()
        user.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "display_name",
            "job_title",
            "department",
            "time_zone",
            "weekly_summary",
            "keep_stories_if_erased",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the time zone stays what it was (the program's, by default).
        self.fields["time_zone"].required = False

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or self.instance.time_zone


MANDATORY = " It can be kept out of your inbox, not turned off."


class NotificationPreferencesForm(forms.Form):
    """Per kind of notice: email and in the product, in the product only, or off (not for
    the mandatory kinds, which a role sends)."""

    def __init__(self, data=None, *, initial_channels):
        super().__init__(data)
        for kind, spec in notices.KINDS.items():
            options = [
                (value, label)
                for value, label in Channel.choices
                if not (spec.mandatory and value == Channel.OFF)
            ]
            self.fields[kind] = forms.ChoiceField(
                label=spec.label,
                help_text=spec.help + (MANDATORY if spec.mandatory else ""),
                choices=options,
                widget=forms.RadioSelect,
                initial=initial_channels[kind],
                error_messages={
                    "required": f"Choose how to receive “{spec.label}”.",
                    "invalid_choice": f"Choose one of the options for “{spec.label}”.",
                },
            )

    def groups(self):
        """[(heading, [bound fields])] in the order of `notices.GROUPS`."""
        return [
            (group, [self[kind] for kind, spec in notices.KINDS.items() if spec.group == group])
            for group in notices.GROUPS
        ]

    def save(self, user) -> None:
        for kind in notices.KINDS:
            notices.set_channel(user, kind, self.cleaned_data[kind])


class EraseForm(forms.Form):
    """Typed confirmation before erasing a person: their email address, as a guard against
    erasing the wrong person."""

    confirmation = forms.CharField(
        label="Type the person's email address to confirm",
        max_length=254,
        validators=[single_line],
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip().lower()
        if typed != self.person.email.lower():
            raise forms.ValidationError(
                "Enter the email address of the person you are erasing, exactly as shown."
            )
        return typed
