"""CSV exports (formula escaping, Unicode round trip), the printable page, and stored XSS."""

import csv
import io

import pytest
from django.urls import reverse

from tests.inert import ATTACKS, assert_inert
from value_stories.choices import Status, Visibility
from value_stories.factories import StoryIndicatorFactory
from value_stories.models import StoryTransition, ValueStory

pytestmark = pytest.mark.django_db

UNICODE = "Zoë’s café — 東京 ✓ ünïcödé 🚀"


def rows_of(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_story_export_escapes_formulas_and_round_trips_unicode(clients, approved):
    approved(title='=HYPERLINK("http://evil")', experience="+1+1", gained="-2", applied="@SUM(A1)")
    approved(title=UNICODE, experience=UNICODE, visibility=Visibility.SPONSORS)
    rows = rows_of(clients["member"].get(reverse("value_stories:export")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Id", "Community", "Title"]
    by_title = {row[2]: dict(zip(header, row, strict=True)) for row in body}
    evil = by_title['\'=HYPERLINK("http://evil")']
    assert evil["What was your experience of it?"] == "'+1+1"
    assert evil["What skills, insights, information or material did you gain?"] == "'-2"
    assert evil["How did it influence your practice?"] == "'@SUM(A1)"
    assert by_title[UNICODE]["What was your experience of it?"] == UNICODE
    # sponsors export only what they may read
    sponsor_rows = rows_of(clients["sponsor"].get(reverse("value_stories:export")))
    assert [r[2] for r in sponsor_rows[1:]] == [UNICODE]


def test_indicator_export(clients, approved, make_story):
    story = approved(title=UNICODE)
    StoryIndicatorFactory(story=story, name="=cmd|' /C calc'!A0", unit="€", before=1, after=3,
                          source="@source")  # fmt: skip
    StoryIndicatorFactory(story=story, name=UNICODE, unit="%", before=None, after=5)
    hidden = make_story(status=Status.DRAFT, author=None, title="Someone's draft")
    StoryIndicatorFactory(story=hidden, name="Hidden indicator")
    rows = rows_of(clients["member"].get(reverse("value_stories:indicators_export")))
    assert rows[0][:5] == ["Story id", "Community", "Story", "Status", "Indicator"]
    names = [r[4] for r in rows[1:]]
    assert names == ["'=cmd|' /C calc'!A0", UNICODE]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Change"] == "2.00" and first["Source"] == "'@source" and first["Unit"] == "€"
    assert first["Story"] == UNICODE


def test_printable_page(clients, approved):
    story = approved(title="Printable story", difference="It **mattered**.")
    response = clients["member"].get(reverse("value_stories:print", args=[story.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'class="story-print"' in html
    assert "<strong>mattered</strong>" in html


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_xss_renders_inert_everywhere(clients, users, community, attack):
    texts = dict.fromkeys(ValueStory.TEXT_FIELDS, attack)
    story = ValueStory.objects.create(
        community=community, author=users["member"], title=attack, author_role=attack,
        status=Status.APPROVED, visibility=Visibility.SPONSORS, claims_realized=True, **texts,
    )  # fmt: skip
    StoryIndicatorFactory(story=story, name=attack, unit=attack[:50], source=attack)
    StoryTransition.objects.create(
        story=story, from_status="submitted", to_status="returned", by=users["coordinator"],
        comment=attack,
    )  # fmt: skip
    pages = [
        story.get_absolute_url(),
        reverse("value_stories:print", args=[story.pk]),
        reverse("value_stories:list"),
        reverse("value_stories:matrix"),
        reverse("value_stories:community_matrix", args=[community.slug]),
        community.get_absolute_url(),
    ]
    for url in pages:
        for role in ("member", "sponsor"):
            html = clients[role].get(url).content.decode()
            assert_inert(html)
    # the review page and the edit form show the same text inert too
    story.status = Status.SUBMITTED
    story.save()
    assert_inert(
        clients["coordinator"]
        .get(reverse("value_stories:review", args=[story.pk]))
        .content.decode()
    )
    story.status = Status.RETURNED
    story.save()
    assert_inert(
        clients["member"].get(reverse("value_stories:edit", args=[story.pk])).content.decode()
    )
