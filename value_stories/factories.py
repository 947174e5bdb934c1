"""factory-boy factories for value-creation stories; the tests and the demo share them."""

import factory
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory

from .choices import Narrative, Status, Visibility
from .models import StoryIndicator, StoryTransition, ValueStory


class ValueStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueStory

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=5)
    happened_on = factory.LazyFunction(timezone.localdate)
    narrative = Narrative.GROUND
    visibility = Visibility.COMMUNITY
    status = Status.DRAFT
    activity_description = "A case clinic on a tricky contract clause."
    experience = factory.Faker("paragraph", nb_sentences=2)
    gained = factory.Faker("paragraph", nb_sentences=2)
    claims_immediate = True
    claims_potential = True
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != Status.DRAFT else None
    )
    approved_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Status.APPROVED else None
    )


class ApprovedStoryFactory(ValueStoryFactory):
    status = Status.APPROVED


class StoryIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryIndicator

    story = factory.SubFactory(ValueStoryFactory)
    name = "Incidents per quarter"
    unit = "incidents"
    before = 12
    after = 7
    source = "Quality dashboard"


class StoryTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryTransition

    story = factory.SubFactory(ValueStoryFactory)
    from_status = Status.DRAFT
    to_status = Status.SUBMITTED
