"""Shared fixtures: one user per role around one community, and a logged-in client per role."""

import pytest
from django.test import Client

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from communities.choices import Level
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory

PASSWORD = "a-test-password-42"  # noqa: S105

ROLES = ["anonymous", "outsider", "member", "core", "coordinator", "admin", "sponsor"]


@pytest.fixture
def community(db):
    return CommunityFactory(name="Data protection in practice", slug="data-protection")


@pytest.fixture
def admin_user(db):
    return ProgramAdminFactory(email="admin@example.org", password=PASSWORD)


@pytest.fixture
def coordinator(community):
    return CoordinatorFactory(
        community=community, user=UserFactory(email="coordinator@example.org", password=PASSWORD)
    ).user


@pytest.fixture
def core_member(community):
    return MembershipFactory(
        community=community,
        level=Level.CORE,
        user=UserFactory(email="core@example.org", password=PASSWORD),
    ).user


@pytest.fixture
def member(community):
    return MembershipFactory(
        community=community,
        level=Level.ACTIVE,
        user=UserFactory(email="member@example.org", password=PASSWORD),
    ).user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", password=PASSWORD)


@pytest.fixture
def sponsor(community, admin_user):
    """A local sponsor officially appointed for the `community` fixture (not a member)."""
    from sponsorship.factories import SponsorAppointmentFactory

    appointment = SponsorAppointmentFactory(
        person=UserFactory(
            email="sponsor@example.org", display_name="Sam Sponsor", password=PASSWORD
        ),
        appointed_by=admin_user,
        communities=[community],
    )
    return appointment.person


@pytest.fixture
def users(admin_user, coordinator, core_member, member, outsider, sponsor):
    """Every role around the `community` fixture; `anonymous` is None."""
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "core": core_member,
        "coordinator": coordinator,
        "admin": admin_user,
        "sponsor": sponsor,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(users):
    return {role: client_for(user) for role, user in users.items()}
