"""factory-boy factories for practice groups; the tests and the demo seed share them."""

import factory

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory

from .choices import GroupStatus, Reason
from .models import GroupMembership, PracticeGroup, ProgressReport


class PracticeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeGroup

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Practice group {n}")
    reason = Reason.SUBTOPIC
    purpose = "Explore consent in HR files."
    status = GroupStatus.ACTIVE
    proposed_by = factory.SubFactory(UserFactory)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(PracticeGroupFactory)
    user = factory.SubFactory(UserFactory)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    group = factory.SubFactory(PracticeGroupFactory)
    title = "First findings"
    body = "We compared three approaches."
