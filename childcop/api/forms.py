from django import forms

from childcop.validators import single_line

from .choices import Access, Area
from .models import ApiToken

MAX_ACTIVE_TOKENS = 10


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        validators=[single_line],
        help_text="What it is for, so that you recognise it later, e.g. “Power BI: program "
        "dashboard”.",
        error_messages={"required": "Enter a name for the token."},
    )
    access = forms.ChoiceField(
        label="Access",
        choices=Access.choices,
        initial=Access.READ,
        widget=forms.RadioSelect,
        help_text="The reporting API only reads: no token can change anything.",
        error_messages={"required": "Choose the token's access."},
    )
    areas = forms.MultipleChoiceField(
        label="What it reads",
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="In each area it reads exactly what you see on the pages, no more.",
        error_messages={"required": "Choose at least one area the token reads."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if ApiToken.objects.active().filter(user=self.user).count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                f"You have {MAX_ACTIVE_TOKENS} tokens already: revoke one you no longer use "
                "before creating another."
            )
        return cleaned
