"""A coordinator opens a health check, two core members rate it on sliders with the keyboard,
and the result shows the radar with this period beside the previous one (issue 8,
acceptance point 5, first half)."""

import importlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.choices import Level
from communities.factories import CommunityFactory, MembershipFactory
from communities.health.forms import period_containing, previous_period
from communities.health.models import Dimension, HealthCheck
from communities.health.services import checks
from tests.conftest import PASSWORD

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def default_dimensions():
    defaults = importlib.import_module("communities.migrations.0014_health_defaults")
    for order, (name, meaning, efforts) in enumerate(defaults.DIMENSIONS, start=1):
        Dimension.objects.get_or_create(
            name=name, defaults={"meaning": meaning, "efforts": efforts, "order": order}
        )
    return list(Dimension.objects.filter(is_active=True).order_by("order", "id"))


def rate(page, scores, *, success=(), failure=(), note=""):
    """Move each slider from 0 with the arrow keys, as a keyboard user would."""
    for name, score in scores.items():
        slider = page.get_by_role("slider", name=name, exact=True)
        slider.focus()
        slider.press("Home")
        for _ in range(score):
            slider.press("ArrowRight")
        expect(slider).to_have_value(str(score))
        expect(slider.locator("xpath=../..").locator("output")).to_have_text(str(score))
    for label in success:
        page.get_by_label(label, exact=True).check()
    for label in failure:
        page.get_by_label(label, exact=True).check()
    if note:
        page.get_by_label("Notes", exact=True).fill(note)


def test_a_health_check_from_opening_to_the_radar(new_page):
    dims = default_dimensions()
    community = CommunityFactory(name="Field safety", slug="field-safety")
    cora = coordinator_cora(community)
    kofi = UserFactory(email="kofi@example.org", display_name="Kofi Core", password=PASSWORD)
    kim = UserFactory(email="kim@example.org", display_name="Kim Core", password=PASSWORD)
    for person in (kofi, kim):
        MembershipFactory(community=community, user=person, level=Level.CORE)
    # Last quarter's check, closed: Kofi rated every dimension 2, Kim 3 (means 2.5).
    this_start, _ = period_containing(timezone.localdate())
    last_start, last_end = previous_period(this_start)
    last = HealthCheck.objects.create(
        community=community, period_start=last_start, period_end=last_end,
        answer_by=last_end, opened_by=cora, closed_at=timezone.now(),
    )  # fmt: skip
    for person, score in ((kofi, 2), (kim, 3)):
        checks.save_answer(last, person, ratings={d.pk: (score, "") for d in dims})

    # The coordinator opens this quarter's check; the form proposes the current quarter.
    coordinator = new_page()
    login(coordinator, cora.email)
    coordinator.goto(f"/communities/{community.slug}/health/checks/")
    coordinator.get_by_role("link", name="Open a health check").click()
    expect(coordinator.get_by_label("Period from")).to_have_value(this_start.isoformat())
    assert_accessible(coordinator, "open a health check")
    coordinator.get_by_role("button", name="Open the health check").click()
    check = HealthCheck.objects.get(community=community, period_start=this_start)
    label = check.period_label
    expect(coordinator.get_by_text(f"The health check {label} is open")).to_be_visible()

    # Two core members rate it.
    answers = {
        kofi: {d.name: s for d, s in zip(dims, [4, 3, 5, 1, 2, 3, 4], strict=False)},
        kim: {d.name: s for d, s in zip(dims, [2, 3, 4, 2, 2, 4, 5], strict=False)},
    }
    for person, success in ((kofi, ["Trust", "Community rhythm"]), (kim, ["Trust"])):
        page = new_page()
        login(page, person.email)
        page.goto(f"/communities/{community.slug}/health/checks/")
        page.get_by_role("link", name=f"Answer the health check {label}").click()
        expect(
            page.get_by_role("heading", name=f"Health check {label}: your answer")
        ).to_be_visible()
        expect(page.get_by_text(dims[0].meaning)).to_be_visible()  # the meaning beside the slider
        if person == kofi:
            assert_accessible(page, "answer page")
        rate(
            page,
            answers[person],
            success=success,
            failure=["Lack of time"] if person == kim else [],
            note=f"{person.display_name}: keep the clinic going.",
        )
        page.get_by_role("button", name="Send my answer").click()
        expect(page.get_by_text("Your answer was saved")).to_be_visible()
        result = page

    # The result (seen by Kim, who has answered): both periods on the radar, and the table.
    radar = result.locator("svg.health-radar")
    expect(radar).to_be_visible()
    expect(radar.locator("g.radar-series")).to_have_count(2)
    expect(
        radar.locator(f'g.radar-series[data-series="This period ({label})"] polygon')
    ).to_have_count(1)
    previous = radar.locator(
        f'g.radar-series[data-series="Previous ({last.period_label})"] polygon'
    )
    expect(previous).to_have_attribute("stroke-dasharray", "6 4")
    legend = result.locator("figcaption.radar-legend")
    expect(legend).to_contain_text(f"This period ({label}) — solid line")
    expect(legend).to_contain_text(f"Previous ({last.period_label}) — dashed line")
    table = result.locator("table.health-ratings")
    practice = table.get_by_role("row", name=re.compile(rf"^{dims[0].name}\b"))
    # Practice: Kofi 4, Kim 2 → mean 3.0, 2–4, standard deviation 1.00, rated by 2; before 2.5
    expect(practice.get_by_role("cell")).to_have_text(["3.0", "2–4", "1.00", "2", "2.5 (+0.5)"])
    meta = table.get_by_role("row", name=re.compile(rf"^{dims[6].name}\b"))
    expect(meta.get_by_role("cell")).to_have_text(["4.5", "4–5", "0.50", "2", "2.5 (+2.0)"])
    expect(result.get_by_role("row", name="Trust 2 of 2")).to_be_visible()
    expect(result.get_by_text("Kim Core: keep the clinic going.")).to_be_visible()
    assert_accessible(result, "result page with the radar")

    # The coordinator sees who has answered, and closes the check after confirming.
    coordinator.goto(check.get_absolute_url())
    expect(coordinator.get_by_text("Answered (2)")).to_be_visible()
    expect(coordinator.get_by_text("Not answered (1)")).to_be_visible()
    coordinator.get_by_role("link", name="Close the health check").click()
    coordinator.get_by_role("button", name="Close the health check").click()
    expect(coordinator.get_by_text(f"The health check {label} is closed.")).to_be_visible()
    expect(coordinator.locator("g.radar-series")).to_have_count(2)  # closed: everyone reads it


def test_cant_say_with_the_keyboard(new_page):
    """A dimension left untouched is "Can't say" (no rating, not a 0); moving a slider
    unticks it; ticking it puts the slider back; rating 0 is unticking it."""
    dims = default_dimensions()
    community = CommunityFactory(name="Field safety", slug="field-safety")
    kofi = UserFactory(email="kofi@example.org", display_name="Kofi Core", password=PASSWORD)
    MembershipFactory(community=community, user=kofi, level=Level.CORE)
    start, end = period_containing(timezone.localdate())
    check = HealthCheck.objects.create(
        community=community, period_start=start, period_end=end, answer_by=end
    )
    page = new_page()
    login(page, kofi.email)
    page.goto(f"/communities/{community.slug}/health/checks/{check.pk}/answer/")

    first, second, third = (page.get_by_role("slider", name=d.name, exact=True) for d in dims[:3])
    boxes = [page.get_by_role("checkbox", name=f"Can't say about {d.name}") for d in dims[:3]]
    outputs = [page.locator(f"#id_score_{d.pk}_value") for d in dims[:3]]
    for box, output in zip(boxes, outputs, strict=True):
        expect(box).to_be_checked()  # nothing rated yet
        expect(output).to_have_text("can't say")
    # the first: rated 3 with the arrow keys; its "Can't say" unticks itself
    first.focus()
    for _ in range(3):
        first.press("ArrowRight")
    expect(boxes[0]).not_to_be_checked()
    expect(outputs[0]).to_have_text("3")
    # the second: moved, then "Can't say" ticked with the space bar: back to 0, unrated
    second.focus()
    second.press("ArrowRight")
    expect(boxes[1]).not_to_be_checked()
    boxes[1].focus()
    boxes[1].press(" ")
    expect(boxes[1]).to_be_checked()
    expect(second).to_have_value("0")
    expect(outputs[1]).to_have_text("can't say")
    expect(second).to_have_attribute("aria-valuetext", "Can't say")
    # the third: a real 0 (unticked with the slider at 0)
    boxes[2].focus()
    boxes[2].press(" ")
    expect(boxes[2]).not_to_be_checked()
    expect(outputs[2]).to_have_text("0")
    assert_accessible(page, "answer page with Can't say")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer was saved")).to_be_visible()

    scores = dict(check.responses.get().ratings.values_list("dimension_id", "score"))
    assert scores == {dims[0].pk: 3, dims[2].pk: 0}  # the rest: "Can't say", no rating
    table = page.locator("table.health-ratings")
    row = table.get_by_role("row", name=re.compile(rf"^{dims[1].name}\b"))
    expect(row.get_by_role("cell")).to_have_text(["—", "—", "—", "0"])  # rated by nobody
