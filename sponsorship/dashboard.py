"""The sponsor dashboard: every sponsored community on one page, in pictures and numbers.

All figures come from a fixed number of queries, whatever the portfolio's size; each
community's figures are cached until its data changes (communities.summary).
"""

from __future__ import annotations

import html
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.views.decorators.http import require_GET

from childcop import permissions
from childcop.utils import day_month_year, paginate
from communities import summary as community_summary
from communities.choices import Level, Stage
from communities.models import Community
from value_stories.choices import Cycle
from value_stories.services import stories_by_cycle

from .choices import CaseStatus, CommitmentStatus
from .models import Commitment

LEVELS = [("coordinator", "Coordinator"), *Level.choices]
LEVEL_COLOURS = {
    "coordinator": "#0b2545",
    Level.CORE: "#1f3b63",
    Level.ACTIVE: "#3e6fb0",
    Level.OCCASIONAL: "#7fa6d8",
    Level.PERIPHERAL: "#b9cfe9",
    Level.TRANSACTIONAL: "#e3ebf5",
}
# Cards per page: the summary covers the whole portfolio, the cards one page of it, so a
# page costs the same whatever the portfolio's size.
PAGE_SIZE = 8


def portfolio(communities, *, user, now=None, page_number=None, per_page=None, sponsored=False):
    """The dashboard's data for a queryset of communities: a fixed number of queries.

    What does not depend on the viewer comes from each community's cached card
    (communities.summary: recomputed after any write to the community's data), what moves
    with time or the viewer live: the next sessions, the commitments due, the stories the
    viewer may read. The summary covers every community; with `per_page`, the cards only
    the page `page_number` of them (`page` in the result)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = list(communities.only("pk", "name", "slug", "domain", "stage").order_by("name"))
    ids = [c.pk for c in rows]
    data = community_summary.cards(ids, now=now)  # 1 query (their generations) when cached
    months = community_summary.months(now)[1]
    stories = stories_by_cycle(ids, user, sponsored=sponsored)

    totals = dict.fromkeys([key for key, _ in LEVELS], 0)
    summary = {"planned": 0, "held": 0, "inwards": 0, "outwards": 0, "endorsed": 0, "stories": 0}
    for community in rows:
        card = data[community.pk]
        for key, _ in LEVELS:
            totals[key] += card["levels"].get(key, 0)
        summary["planned"] += card["planned"]
        summary["held"] += card["held"]
        summary["inwards"] += card["moved"]["inwards"]
        summary["outwards"] += card["moved"]["outwards"]
        summary["endorsed"] += card["case_status"] == CaseStatus.ENDORSED
        summary["stories"] += stories[community.pk]["total"]

    page = Paginator(rows, per_page).get_page(page_number) if per_page else None
    shown = list(page.object_list) if page else rows
    shown_ids = [c.pk for c in shown]
    upcoming = community_summary.next_sessions(shown_ids, now=now)
    commitments = {}
    for commitment in (
        Commitment.objects.filter(
            agreement__community_id__in=shown_ids,
            status=CommitmentStatus.OPEN,
            due__lte=today + timedelta(days=30),
        )
        .select_related("owner", "agreement")
        .order_by("due")
    ):
        commitments.setdefault(commitment.agreement.community_id, []).append(commitment)
    cycle_labels = dict(Cycle.choices)
    cards = []
    for community in shown:
        card = data[community.pk]
        review_date = card["review_date"]
        cards.append(
            {
                "community": community,
                "levels": level_bar(card["levels"]),
                "member_total": sum(card["levels"].values()),
                "planned": card["planned"],
                "held": card["held"],
                "last": card["last"],
                "next": upcoming.get(community.pk),
                "heartbeat": sparkline(
                    card["months"],
                    label=f"Sessions held {card['held']} of {card['planned']} planned "
                    "in the last 12 months",
                ),
                "months": months,
                "moved": card["moved"],
                "case_status": card["case_status"],
                "case_label": CaseStatus(card["case_status"]).label
                if card["case_status"]
                else "Not started",
                "case_number": card["case_number"],
                "review_date": review_date,
                "review_overdue": bool(review_date and review_date < today),
                "commitments": commitments.get(community.pk, []),
                "stories": stories[community.pk]["total"],
                "cycles": [
                    (cycle_labels[cycle], n)
                    for cycle, n in stories[community.pk].items()
                    if cycle != "total" and n
                ],
            }
        )
    urls = card_urls()
    for card in cards:
        card["html"] = card_html(card, urls)
    summary["members"] = level_bar(totals)
    summary["member_total"] = sum(totals.values())
    summary["communities"] = len(rows)
    return {
        "cards": cards,
        "summary": summary,
        "levels": LEVELS,
        "colours": LEVEL_COLOURS,
        "page": page,
    }


def _escape(value):
    """Django's `escape` (what templates do to every value) without its lazy wrapper."""
    return html.escape(str(value))


def card_html(card, urls=None):
    """One community's card as HTML, every text escaped: built here once rather than by the
    template's nested loops, tags and filters per card (a page holds several cards)."""
    c = card["community"]
    community_url, case_url = urls or card_urls()
    last = f"Last: {day_month_year(template_localtime(card['last']))}." if card["last"] else ""
    upcoming = "No session planned."
    if card["next"]:
        when = template_localtime(card["next"])
        upcoming = f"Next: {day_month_year(when)}, {when:%H:%M}."
    levels = "".join(
        f'<tr><td>{_escape(p["label"])}</td><td class="text-end">{p["n"]}</td></tr>'
        for p in card["levels"]["parts"]
    )
    stories = card["stories"]
    if stories:
        cycles = "".join(
            '<li><span class="d-inline-block bg-primary-subtle-dark me-1 align-middle" '
            f'style="width: {round(float(n) / float(stories) * 120)}px; height: .6rem"></span>'
            f"{_escape(label)}: {n}</li>"
            for label, n in card["cycles"]
        )
        value = (
            f'<p class="small mb-1">{stories} approved value-creation '
            f"stor{'y' if stories == 1 else 'ies'}, by cycle:</p>\n"
            f'      <ul class="list-unstyled small mb-2">{cycles}</ul>'
        )
    else:
        value = (
            '<p class="small text-body-secondary mb-2">'
            "No value-creation stories shared with sponsors yet.</p>"
        )
    number = f" (version {card['case_number']})" if card["case_number"] else ""
    review = card["review_date"]
    if review:
        overdue = card["review_overdue"]
        review = (
            f'<span class="{"text-danger fw-semibold" if overdue else ""}">'
            f"{day_month_year(review)}{' (overdue)' if overdue else ''}</span>"
        )
    else:
        review = "no agreement yet"
    if card["commitments"]:
        items = "".join(
            f"<li>{_escape(cm.description)} — {_escape(cm.get_side_display().lower())}"
            f"{f' ({_escape(cm.owner)})' if cm.owner else ''}, due {day_month_year(cm.due, year=False)}"
            "</li>"
            for cm in card["commitments"]
        )
        commitments = f'<ul class="small mb-0">{items}</ul>'
    else:
        commitments = (
            '<p class="small text-body-secondary mb-0">No commitment due in the next 30 days.</p>'
        )
    stage_label = c.get_stage_display() or str(c.stage).capitalize()
    return mark_safe(  # noqa: S308 — numbers, formatted dates, slugs and escaped texts only
        f"""<section class="col-lg-6" aria-labelledby="card-{c.pk}">
    <div class="card h-100"><div class="card-body">
      <div class="d-flex justify-content-between align-items-start gap-2">
        <h2 id="card-{c.pk}" class="h5 mb-1"><a href="{community_url}{c.slug}/">{_escape(c.name)}</a></h2>
        <span class="badge stage-badge stage-{_escape(c.stage)}">{_escape(stage_label)}</span>
      </div>
      <p class="small text-body-secondary">{_escape(c.domain)}</p>

      <h3 class="h6 mt-3">Rhythm</h3>
      {card["heartbeat"]["svg"]}
      <p class="small mb-2">{card["held"]} of {card["planned"]} planned sessions held in 12 months.
        {last}
        {upcoming}</p>

      <h3 class="h6 mt-3">Participation</h3>
      {card["levels"]["svg"]}
      <p class="small mb-2 mt-1">{card["member_total"]} members. This quarter: {card["moved"]["inwards"]} moved towards the core, {card["moved"]["outwards"]} towards the periphery.</p>
      <details class="small"><summary>Members by level</summary>
        <table class="table table-sm mt-1"><thead><tr><th scope="col">Level</th><th scope="col" class="text-end">Members</th></tr></thead>
        <tbody>{levels}</tbody></table>
      </details>

      <h3 class="h6 mt-3">Value created</h3>
      {value}

      <h3 class="h6 mt-3">Business case and agreement</h3>
      <p class="small mb-1">Business case: <strong>{_escape(card["case_label"])}</strong>{number} · <a href="{case_url.replace("-slug-", c.slug)}">read it</a></p>
      <p class="small mb-1">Agreement review: {review}</p>
      {commitments}
    </div></div>
  </section>"""  # noqa: E501
    )


def card_urls():
    """The addresses a card links to, as (a community's page less its slug, the business
    case's with "-slug-" for it): reversed once per page rather than per card."""
    return (
        reverse("communities:detail", args=["-"])[:-2],
        reverse("sponsorship:business_case", args=["-slug-"]),
    )


def level_bar(counts, width=240):
    """A stacked bar of members by participation level, from the centre outwards.

    `svg` is the picture, built here rather than in the template: a portfolio page holds
    dozens of these, and Python formats their numbers far faster than template loops."""
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for key, label in LEVELS:
        n = counts.get(key, 0)
        w = width * n / total
        parts.append({"key": key, "label": label, "n": n, "x": round(x, 1), "w": round(w, 1),
                      "colour": LEVEL_COLOURS[key]})  # fmt: skip
        x += w
    # numbers need no escaping; the labels are escaped
    rects = "".join(
        f'<rect x="{p["x"]}" y="0" width="{p["w"]}" height="16" fill="{p["colour"]}">'
        f"<title>{escape(p['label'])}: {p['n']}</title></rect>"
        for p in parts
        if p["w"]
    )
    label = escape(", ".join(f"{p['label']}: {p['n']}" for p in parts))
    svg = mark_safe(  # noqa: S308 — numbers and escaped labels only
        f'<svg viewBox="0 0 {width} 16" width="100%" height="16" preserveAspectRatio="none" '
        f'role="img" aria-label="{label}">{rects}</svg>'
    )
    return {"width": width, "parts": parts, "svg": svg}


def sparkline(values, width=240, height=40, *, label=""):
    """Twelve months of sessions planned (outline) and held (filled) as tiny bars; `svg`
    is the picture (see level_bar), `label` its text alternative."""
    top = max([1] + [planned for planned, _ in values])
    slot = width / len(values)
    bars = []
    for i, (planned, held) in enumerate(values):
        bars.append(
            {
                "x": round(i * slot + 1, 1),
                "w": round(slot - 3, 1),
                "y_planned": round(height - height * planned / top, 1),
                "h_planned": round(height * planned / top, 1),
                "y_held": round(height - height * held / top, 1),
                "h_held": round(height * held / top, 1),
            }
        )
    rects = "".join(
        f'<rect x="{b["x"]}" y="{b["y_planned"]}" width="{b["w"]}" height="{b["h_planned"]}" '
        'fill="none" stroke="#1f3b63" stroke-width="1"/>'
        f'<rect x="{b["x"]}" y="{b["y_held"]}" width="{b["w"]}" height="{b["h_held"]}" '
        'fill="#1f3b63"/>'
        for b in bars
    )
    svg = mark_safe(  # noqa: S308 — numbers and an escaped label only
        f'<svg viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(label)}">{rects}</svg>'
    )
    return {"width": width, "height": height, "bars": bars, "svg": svg}


@require_GET
def dashboard(request):
    """Every community the signed-in sponsor sponsors; the whole program for the team."""
    user = request.user
    if permissions.is_program_admin(user):
        # The whole program: a page of communities at a time (the summary is the page's).
        page = paginate(
            request, Community.objects.exclude(stage=Stage.CLOSED).order_by("name"), PAGE_SIZE
        )
        communities = Community.objects.filter(pk__in=[c.pk for c in page.object_list])
        context = {"heading": "All communities (program view)", **portfolio(communities, user=user)}
        context["page"] = page
    elif permissions.is_sponsor(user):
        # The whole portfolio in the summary, a page of it in cards.
        communities = Community.objects.filter(permissions.sponsored_communities_q(user))
        data = portfolio(
            communities,
            user=user,
            page_number=request.GET.get("page"),
            per_page=PAGE_SIZE,
            sponsored=True,  # every one of them: the stories' visibility rule is simpler
        )
        context = {"heading": "Your communities", **data}
    else:
        raise PermissionDenied
    return render(request, "sponsorship/dashboard.html", context)


@require_GET
def community_dashboard(request, slug):
    """One sponsored community's card, full width; 404 for a community one does not sponsor."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not permissions.can_view_sponsor_dashboard(request.user, community):
        raise Http404("No such community.")
    data = portfolio(Community.objects.filter(pk=community.pk), user=request.user)
    context = {"heading": community.name, "community": community, **data}
    return render(request, "sponsorship/dashboard.html", context)
