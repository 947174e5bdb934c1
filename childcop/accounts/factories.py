"""factory-boy factories for people; the tests and the demo seed share them."""

import factory

from .models import User

DEPARTMENTS = [
    "Operations", "Finance", "Human Resources", "Information Technology", "Legal",
    "Research and Development", "Sales", "Customer Service", "Procurement", "Quality",
    "Communications", "Field Services",
]  # fmt: skip

JOB_TITLES = [
    "Analyst", "Senior analyst", "Engineer", "Senior engineer", "Project manager",
    "Team lead", "Advisor", "Specialist", "Consultant", "Coordinator", "Officer",
    "Programme manager", "Data scientist", "Field officer", "Trainer",
]  # fmt: skip


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    display_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    job_title = factory.Faker("random_element", elements=JOB_TITLES)
    department = factory.Faker("random_element", elements=DEPARTMENTS)
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


class ProgramAdminFactory(UserFactory):
    is_program_admin = True
    is_staff = True
    is_superuser = True  # the social learning team runs the whole program, admin included
    job_title = "Social learning advisor"
    department = "Social Learning Team"

    @factory.post_generation
    def authenticator_app(self, create, extracted, **kwargs):
        """`authenticator_app="<base32 secret>"`: two-step sign-in set up with an authenticator
        app holding that secret, and recovery codes, as setting it up gives (the demo's program
        admin sets theirs up when first signing in)."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP

        totp = Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP)
        if create and extracted and not totp.exists():
            TOTP.activate(self, extracted)
            RecoveryCodes.activate(self)
