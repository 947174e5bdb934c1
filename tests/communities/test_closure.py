"""Closure: the admin closes a community with its legacy; a closed community is read-only.

`test_closed_community_rejects_every_write` walks every URL of the community-scoped
namespaces and proves that no POST by the coordinator or a member writes anything.
"""

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import reverse

from childcop.permissions import CLOSED_MESSAGE
from communities.choices import Stage
from communities.factories import (
    ActivityFactory,
    AgendaItemFactory,
    AnswerFactory,
    HelpRequestFactory,
    PdcaReviewFactory,
    RhythmFactory,
    SessionFactory,
    SharedMemoryEntryFactory,
)
from communities.models import Community, Legacy, Membership, StageChange
from communities.stewardship.services import close
from tests.routes import walk

pytestmark = pytest.mark.django_db

NAMESPACES = ("communities", "practice_groups", "value_stories", "sponsorship")
APPS = ("communities", "practice_groups", "value_stories", "sponsorship", "accounts")

# Read-only views that merely render on POST (no @require_POST / require_http_methods):
# for these the test asserts that nothing was written instead of a 403/404/405.
RENDERS_ON_POST = {
    # @require_POST, but an existing member is redirected with "already a member" (no write;
    # the outsider's join is asserted as a 403 below).
    "communities:join",
}

# Reads that answer 200 to a member before closing, and must still after.
READS = [
    "communities:detail",
    "communities:members",
    "communities:activities",
    "communities:rhythm",
    "communities:agenda",
    "communities:help_list",
    "communities:memory_list",
    "value_stories:community_matrix",
    "communities:pdca_reviews",
]


def community_routes():
    for name, pattern in walk():
        if name and name.split(":")[0] in NAMESPACES and "slug" in pattern.pattern.converters:
            yield name, list(pattern.pattern.converters)


def close_it(community, admin):
    return close(
        community,
        by=admin,
        kept="The case library stays in shared memory.",
        members_go="Most members join Digital workplace.",
        closing_note="The community achieved its purpose.",
    )


def snapshot(community):
    """Row counts of every model of the apps, and the community's own fields."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }
    row = model_to_dict(Community.objects.get(pk=community.pk))
    return counts, row


def test_the_admin_closes_a_community_with_its_legacy(clients, users, community):
    url = reverse("communities:close", args=[community.slug])
    assert clients["admin"].get(url).status_code == 200
    for role in ("coordinator", "member"):
        assert clients[role].post(url, {"kept": "x"}).status_code == 403
    response = clients["admin"].post(
        url,
        {
            "kept": "The case library stays in shared memory.",
            "members_go": "Most members join Digital workplace.",
            "closing_note": "The community achieved its purpose.",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.stage == Stage.CLOSED
    change = StageChange.objects.filter(community=community).latest("pk")
    assert change.to_stage == Stage.CLOSED
    assert change.note == "The community achieved its purpose."
    legacy = Legacy.objects.get(community=community)
    assert legacy.closed_by == users["admin"]

    page = clients["member"].get(reverse("communities:legacy", args=[community.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The case library stays in shared memory." in text
    assert "Most members join Digital workplace." in text
    # Closing again is refused.
    assert clients["admin"].post(url, {"kept": "again"}).status_code == 403


def test_invalid_closure_changes_nothing(clients, community):
    url = reverse("communities:close", args=[community.slug])
    assert clients["admin"].post(url, {"kept": "Only this"}).status_code == 200
    community.refresh_from_db()
    assert community.stage != Stage.CLOSED
    assert not Legacy.objects.exists()


def test_a_write_on_a_closed_community_says_why(clients, users, community):
    close_it(community, users["admin"])
    response = clients["coordinator"].post(
        reverse("communities:pdca_create", args=[community.slug]), {}
    )
    assert response.status_code == 403
    assert CLOSED_MESSAGE in response.content.decode()


def objects_of(community, users):
    """Ids of the community's objects, by URL name prefix, for the routes' pk parameters."""
    help_request = HelpRequestFactory(community=community, asker=users["member"])
    answer = AnswerFactory(request=help_request, author=users["core"])
    ids = {
        "communities:membership": Membership.objects.get(user=users["member"]).pk,
        "communities:rhythm": RhythmFactory(community=community).pk,
        "communities:session": SessionFactory(community=community).pk,
        "communities:activity": ActivityFactory(community=community).pk,
        "communities:attendance": ActivityFactory(community=community).pk,
        "communities:agenda": AgendaItemFactory(community=community).pk,
        "communities:help": help_request.pk,
        "communities:memory": SharedMemoryEntryFactory(community=community).pk,
        "communities:pdca": PdcaReviewFactory(community=community).pk,
    }
    return ids, {"answer_pk": answer.pk}


def kwargs_for(name, params, community, ids, extra):
    kwargs = {}
    for param in params:
        if param == "slug":
            kwargs[param] = community.slug
        elif param in extra:
            kwargs[param] = extra[param]
        elif param == "pk":
            kwargs[param] = next((v for k, v in ids.items() if name.startswith(k)), 1)
        else:
            kwargs[param] = 1
    return kwargs


# The walk is split in shards so that parallel test workers share it.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
def test_closed_community_rejects_every_write(clients, users, community, shard):
    ids, extra = objects_of(community, users)
    routes = [(name, kwargs_for(name, p, community, ids, extra)) for name, p in community_routes()]
    assert len(routes) > 60  # the walk found the community-scoped URLs
    routes = routes[shard::SHARDS]

    reads_before = {}
    for name in READS:
        url = reverse(name, kwargs={"slug": community.slug})
        reads_before[name] = clients["member"].get(url).status_code
        assert reads_before[name] == 200, name

    close_it(community, users["admin"])

    problems = []
    for role in ("coordinator", "member"):
        for name, kwargs in routes:
            url = reverse(name, kwargs=kwargs)
            before = snapshot(community)
            response = clients[role].post(url, {})
            after = snapshot(community)
            if before != after:
                problems.append(f"{role} POST {name}: wrote something")
            if name in RENDERS_ON_POST:
                continue
            if response.status_code not in (403, 404, 405):
                problems.append(f"{role} POST {name}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    join = reverse("communities:join", args=[community.slug])
    assert clients["outsider"].post(join).status_code == 403
    assert not Membership.objects.filter(user=users["outsider"]).exists()

    for name in READS:
        url = reverse(name, kwargs={"slug": community.slug})
        assert clients["member"].get(url).status_code == 200, name
