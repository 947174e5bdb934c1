import pytest

from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory


@pytest.fixture
def group(community, users):
    """An active group of the community whose only member is the `member`."""
    group = PracticeGroupFactory(community=community, name="Consent that means something")
    GroupMembershipFactory(group=group, user=users["member"])
    return group


@pytest.fixture
def proposal(community, users):
    return PracticeGroupFactory(
        community=community, name="Regional perspectives", status="proposed",
        proposed_by=users["member"],
    )  # fmt: skip
