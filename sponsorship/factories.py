"""factory-boy factories for the support structure; the tests and the demo seed share them."""

from datetime import timedelta

import factory
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory

from .choices import AppointmentRole, AppointmentStatus, Scope, SponsorKind
from .models import Agreement, Appointment, BusinessCaseVersion, Commitment, Council, MentorPair


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    person = factory.SubFactory(UserFactory)
    role = AppointmentRole.SME
    status = AppointmentStatus.IDENTIFIED
    reason = "Recognised by peers for their expertise."

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class SponsorAppointmentFactory(AppointmentFactory):
    role = AppointmentRole.SPONSOR
    sponsor_kind = SponsorKind.LOCAL
    status = AppointmentStatus.APPOINTED
    scope = Scope.COMMUNITIES
    appointed_on = factory.LazyFunction(timezone.localdate)


class MentorPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorPair

    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    goals = "Learn to facilitate a case clinic."


class BusinessCaseVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCaseVersion

    community = factory.SubFactory(CommunityFactory)
    number = 1
    why_care = "Because privacy mistakes are costly and avoidable."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    community = factory.SubFactory(CommunityFactory)
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    agreement = factory.SubFactory(AgreementFactory)
    side = "community"
    description = "Run a monthly case clinic."


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = "advisory"
