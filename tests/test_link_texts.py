"""Link texts are unique where they lead to different places (WCAG 2.4.4): two links that
read the same, to a screen reader's list of links too, go to the same page."""

from collections import defaultdict
from datetime import date
from html.parser import HTMLParser

from django.urls import reverse

from communities.factories import ActivityFactory, HelpRequestFactory, SharedMemoryEntryFactory


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.href, self.text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.href, self.text = dict(attrs)["href"].split("#")[0], []

    def handle_endtag(self, tag):
        if tag == "a" and self.href is not None:
            self.links.append((" ".join("".join(self.text).split()), self.href))
            self.href = None

    def handle_data(self, data):
        if self.href is not None:
            self.text.append(data)


def ambiguous(html: str) -> dict:
    parser = Links()
    parser.feed(html)
    places = defaultdict(set)
    for text, href in parser.links:
        places[text].add(href)
    return {text: hrefs for text, hrefs in places.items() if len(hrefs) > 1}


def test_no_link_text_leads_to_two_places(clients, users, community):
    for day in (date(2031, 3, 4), date(2031, 3, 11)):
        ActivityFactory(community=community, title="Monthly case clinic", date=day)
    request = HelpRequestFactory(community=community, asker=users["member"], title="Clauses?")
    SharedMemoryEntryFactory(community=community, title="Clauses?", help_request=request)
    slug = community.slug
    for role, url in [
        ("coordinator", reverse("communities:detail", args=[slug])),
        ("coordinator", reverse("communities:activities", args=[slug])),
        ("member", reverse("communities:memory_list", args=[slug])),
        ("member", reverse("people:list")),
        ("admin", reverse("home")),
    ]:
        response = clients[role].get(url)
        assert response.status_code == 200
        assert ambiguous(response.content.decode()) == {}, url
    assert ambiguous('<a href="/a">Go</a><a href="/b">Go</a>') == {"Go": {"/a", "/b"}}


def test_every_sort_is_named_in_words_both_ways():
    """ "Sort by" never says "(descending)" or "---------": each list's orders are named both
    ways, and the list's own order is named too."""
    from childcop.accounts.filters import PersonFilter
    from communities.filters import CommunityFilter, MemberFilter
    from communities.learning.filters import HelpRequestFilter, MemoryFilter
    from practice_groups.filters import GroupFilter
    from sponsorship.filters import AppointmentFilter, MentorPairFilter
    from value_stories.filters import StoryFilter

    for filterset in (PersonFilter, CommunityFilter, MemberFilter, HelpRequestFilter,
                      MemoryFilter, GroupFilter, AppointmentFilter, MentorPairFilter,
                      StoryFilter):  # fmt: skip
        field = filterset.base_filters["sort"].field
        labels = [str(label) for _, label in field.choices]
        assert labels[0] != "---------" and not any("descending" in x for x in labels), labels
        assert len(set(labels)) == len(labels), labels
