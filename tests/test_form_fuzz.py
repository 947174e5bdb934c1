"""Every form of the product answers out-of-range input with a page, never a 500.

The forms are found as the permission matrix finds its pages: every URL pattern, its
kwargs naming the matrix's objects, read (GET) as a program admin, as the community's
coordinator on a community's pages, and as a member where neither gets a form (the pages
only a story's author or a group's member may write). Each POST form of the page is then
posted once per kind of bad value below, in every field it shows; each post's writes are
rolled back, so every post starts from the same program. 200, 302, 403… are all fine here:
what a form accepts is tested with each form; this test asserts no 500.
"""

import copy
import re
from html.parser import HTMLParser

import pytest
from django.db import transaction

from .conftest import client_for
from .routes import walk
from .test_permissions import matrix_objects, url_for

pytestmark = pytest.mark.django_db
SHARDS = 12
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
HUGE = "99999999999999999999"  # beyond 64 bits


LONG = "ẞ" * 5_000
CONTROL = "a\x00b\r\nc\x1b[31m\x7f\u202e"
CHOICES = ("select", "number", "hidden", "radio", "checkbox")  # ids, numbers and choices
CASES = {  # per case, the value a field gets by its kind (input type, "select", "textarea")
    "huge ids and numbers, year 1, very long strings": {
        **dict.fromkeys(CHOICES, HUGE), "date": "0001-01-01",
        "datetime-local": "0001-01-01T00:00", "": LONG,
    },
    "negative huge ids and numbers, year 9999, control characters": {
        **dict.fromkeys(CHOICES, "-" + HUGE), "date": "9999-12-31",
        "datetime-local": "9999-12-31T23:59", "": CONTROL,
    },
    "year 9999 in every field (dates in text fields)": {"": "9999-12-31"},
}  # fmt: skip


def bad_value(case, kind):
    values = CASES[case]
    return values.get(kind, values[""])


class PostForms(HTMLParser):
    """The POST forms of a page: each a list of (name, kind, value shown)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = [] if (attrs.get("method") or "").lower() == "post" else None
            if self.current is not None:
                self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            kind = attrs.get("type", "text") if tag == "input" else tag
            if name and name != "csrfmiddlewaretoken" and kind not in ("submit", "file"):
                self.current.append((name, kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def post_forms(response):
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = PostForms()
    parser.feed(response.content.decode())
    return [fields for fields in parser.forms if fields]


def fuzzed(fields, case):
    data = {}
    for name, kind, shown in fields:
        data[name] = shown if MANAGEMENT.search(name) else bad_value(case, kind)
    return data


def pages(shard):
    """The URL patterns of this shard whose pages may hold forms (the admin's are Django's)."""
    return [
        (name, pattern)
        for name, pattern in list(walk())[shard::SHARDS]
        if name and not name.startswith("admin:")
    ]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_form_answers_500_to_out_of_range_values(users, community, shard):
    objects, rhythm_objects = matrix_objects(users, community)
    failures, posted = [], 0
    # One signed-in client per role; each post's writes (a sign-out, a password change
    # included) are rolled back and its cookies put back, so the next post is signed in.
    clients = {role: client_for(users[role]) for role in ("admin", "coordinator", "member")}
    for client in clients.values():
        client.raise_request_exception = False
    for name, pattern in pages(shard):
        url = url_for(name, pattern, objects, rhythm_objects, users)
        community_page = "<slug" in str(pattern.pattern)
        roles = ["admin", "coordinator"] if community_page else ["admin"]
        forms_by_role = {role: post_forms(clients[role].get(url)) for role in roles}
        if not any(forms_by_role.values()):
            forms_by_role = {"member": post_forms(clients["member"].get(url))}
        for role, forms in forms_by_role.items():
            for fields in forms:
                for case in CASES:
                    client = clients[role]
                    cookies = copy.copy(client.cookies)
                    with transaction.atomic():
                        response = client.post(url, fuzzed(fields, case))
                        transaction.set_rollback(True)
                    client.cookies = cookies
                    posted += 1
                    if response.status_code >= 500:
                        failures.append(f"{name} {url} as {role}, {case}: {response.status_code}")
    assert posted >= 5, "the walk found forms to post"
    assert not failures, "\n".join(failures)
