"""factory-boy factories for communities; the tests and the demo seed share them."""

import factory
from django.utils.text import slugify

from childcop.accounts.factories import UserFactory

from .choices import Level, ObjectiveStatus, Stage
from .models import Community, LeadershipAssignment, Membership, Objective, StageChange


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community of practice {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    domain = factory.Faker("catch_phrase")
    purpose = factory.Faker("paragraph", nb_sentences=3)
    vision = factory.Faker("paragraph", nb_sentences=2)
    strategy = factory.Faker("paragraph", nb_sentences=2)
    value_proposition = factory.Faker("paragraph", nb_sentences=2)
    stage = Stage.MATURING
    is_open = True

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create and extracted is not False and not self.stage_changes.exists():
            StageChange.objects.create(community=self, from_stage="", to_stage=self.stage)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    community = factory.SubFactory(CommunityFactory)
    title = factory.Faker("sentence", nb_words=6)
    status = ObjectiveStatus.IN_PROGRESS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    level = Level.ACTIVE
    is_coordinator = False


class CoordinatorFactory(MembershipFactory):
    level = Level.CORE
    is_coordinator = True


class LeadershipAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipAssignment

    membership = factory.SubFactory(MembershipFactory)
    role = "community_keeper"
