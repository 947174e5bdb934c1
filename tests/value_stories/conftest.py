import pytest

from communities.factories import ActivityFactory
from value_stories.choices import Status, Visibility
from value_stories.factories import ValueStoryFactory


@pytest.fixture
def activity(community):
    return ActivityFactory(community=community, title="Case clinic on contracts")


@pytest.fixture
def make_story(users, community):
    def make(**kwargs):
        kwargs.setdefault("community", community)
        kwargs.setdefault("author", users["member"])
        return ValueStoryFactory(**kwargs)

    return make


@pytest.fixture
def approved(make_story):
    def make(visibility=Visibility.COMMUNITY, **kwargs):
        return make_story(status=Status.APPROVED, visibility=visibility, **kwargs)

    return make
