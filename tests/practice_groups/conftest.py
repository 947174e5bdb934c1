import pytest

from practice_groups.factories import PracticeGroupFactory


@pytest.fixture
def proposal(community, users):
    return PracticeGroupFactory(
        community=community, name="Regional perspectives", status="proposed",
        proposed_by=users["member"],
    )  # fmt: skip
