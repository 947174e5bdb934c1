"""The program overview's status rows (communities/health/jobs/status.py): batches, upserts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from communities.choices import Stage
from communities.factories import SessionFactory
from communities.health.choices import Flag
from communities.health.indicators import CommunityHealth
from communities.health.jobs import refresh
from communities.models import HealthStatus
from communities.tasks import refresh_health_status
from tests.commands import command_output
from tests.communities.test_health_indicators import (
    NOW,
    QUERIES,
    TODAY,
    attend,
    busy_community,
    healthy,
    old_community,
)

# Per batch: a savepoint, compute()'s queries, the upsert, a new generation of "Needs you"
# (the flags it lists: childcop.aggregates), the savepoint's release.
PER_BATCH = 1 + QUERIES + 1 + 1 + 1


@pytest.mark.django_db
def test_refresh_writes_one_row_per_community_with_its_figures_and_flags():
    busy = busy_community(0)
    quiet = old_community(name="Quiet")
    closed = old_community(name="Closed", stage=Stage.CLOSED)
    assert refresh(now=NOW) == 3
    row = HealthStatus.objects.get(community=busy)
    assert row.computed_at == NOW
    assert row.last_activity_on == TODAY - timedelta(days=3)
    assert (row.sessions_planned, row.sessions_held) == (1, 0)  # this month's
    assert (row.participants, row.participants_before) == (4, 3)
    assert row.stories == 1
    assert row.flags == " missed_heartbeat leader_neglect "
    assert row.flag_count == 2
    assert row.flag_list == [Flag.MISSED_HEARTBEAT, Flag.LEADER_NEGLECT]
    health = CommunityHealth.from_json(row.data)
    assert health.community_id == busy.pk
    assert health.indicator("attendance").values == [3, 0, 3, 1]
    quiet_row = HealthStatus.objects.get(community=quiet)
    assert quiet_row.last_activity_on is None
    assert HealthStatus.objects.filter(flags__contains=" no_coordinator ").get() == quiet_row
    assert HealthStatus.objects.get(community=closed).flag_count == 0


@pytest.mark.django_db
def test_refresh_is_idempotent_and_updates_in_place():
    community = old_community()
    healthy(community)
    assert refresh(now=NOW) == 1
    first = HealthStatus.objects.values().get()
    assert refresh(now=NOW) == 1
    assert HealthStatus.objects.values().get() == first
    assert first["flag_count"] == 0
    SessionFactory(community=community, starts_at=NOW - timedelta(days=5))
    later = NOW + timedelta(hours=1)
    assert refresh([community.pk], now=later) == 1
    row = HealthStatus.objects.get()
    assert (row.flags, row.flag_count, row.computed_at) == (" missed_heartbeat ", 1, later)


@pytest.mark.django_db
def test_refresh_only_the_given_communities():
    one, two = old_community(name="One"), old_community(name="Two")
    assert refresh([two.pk], now=NOW) == 1
    assert list(HealthStatus.objects.values_list("community_id", flat=True)) == [two.pk]
    assert refresh([], now=NOW) == 0
    assert refresh([one.pk, 999999], now=NOW) == 1  # a community since deleted: skipped


@pytest.mark.django_db
@override_settings(CHILDCOP_HEALTH_BATCH_SIZE=2)
@pytest.mark.parametrize("size", [2, 6])
def test_queries_per_refresh_are_constant_per_batch(size, django_assert_num_queries):
    for n in range(size):
        community = busy_community(n)
        attend(community, [], TODAY)
    batches = size // 2
    with django_assert_num_queries(1 + batches * PER_BATCH):  # 1: the communities' ids
        assert refresh(now=NOW) == size
    assert HealthStatus.objects.count() == size


@pytest.mark.django_db
def test_the_command_and_the_task():
    community = old_community(name="Command", slug="command")
    assert "Refreshed 1 health status row(s)." in command_output(
        "refresh_health_status", "--community", "command"
    )
    assert HealthStatus.objects.filter(community=community).exists()
    with pytest.raises(CommandError, match="nowhere"):
        call_command("refresh_health_status", "--community", "nowhere")
    old_community(name="Other")
    call_command("refresh_health_status", stdout=StringIO())
    assert HealthStatus.objects.count() == 2
    assert refresh_health_status.delay().get() == 2
    assert refresh_health_status.delay([community.pk]).get() == 1
