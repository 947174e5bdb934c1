import random

import pytest
from django.utils import timezone

from communities.factories import (
    ActivityFactory,
    CommunityFactory,
    CoordinatorFactory,
    MembershipFactory,
)
from value_stories import demo
from value_stories.choices import Cycle, Narrative, Status, cycle_field
from value_stories.models import StoryIndicator, ValueStory

pytestmark = pytest.mark.django_db


def test_demo_stories_span_every_cycle_narrative_and_status():
    for i in range(4):
        community = CommunityFactory(name=f"Demo {i}")
        CoordinatorFactory(community=community)
        MembershipFactory.create_batch(3, community=community)
        ActivityFactory.create_batch(3, community=community)
    stories = demo.seed(random.Random(1), timezone.now())
    assert 20 <= len(stories) <= 30
    assert ValueStory.objects.values("community").distinct().count() == 4
    for cycle in Cycle:
        assert ValueStory.objects.filter(**{cycle_field(cycle): True}).exists(), cycle
    assert set(ValueStory.objects.values_list("narrative", flat=True)) == set(Narrative.values)
    assert set(ValueStory.objects.values_list("status", flat=True)) == set(Status.values)
    assert ValueStory.objects.filter(activity__isnull=False).exists()
    assert StoryIndicator.objects.exists()
    for story in ValueStory.objects.all():
        assert story.transitions.last().to_status == story.status
