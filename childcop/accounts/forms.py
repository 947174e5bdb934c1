from django import forms

from childcop.validators import single_line

from .models import User


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(max_length=150, label="Your name", validators=[single_line])
    job_title = forms.CharField(max_length=150, required=False, validators=[single_line])
    department = forms.CharField(max_length=150, required=False, validators=[single_line])

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
            "notify_rhythm_reminders",
            "notify_community_news",
            "notify_digests",
        ]
