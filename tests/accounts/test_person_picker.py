"""Choosing a person by name: the suggestions (only people the chooser may see) and the field."""

import re
from html import unescape

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childcop.accounts.erasure import erase
from childcop.accounts.factories import UserFactory
from childcop.accounts.models import PersonSearchKey
from childcop.accounts.picker import PersonField, find_people
from childcop.accounts.search_keys import MAX_WORDS
from communities.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def suggestions(client, text):
    response = client.get(reverse("people:pick"), {"field": "person", "person": text})
    assert response.status_code == 200
    return response.content.decode()


def test_suggestions_list_only_people_the_chooser_may_see(clients, users, community):
    colleague = UserFactory(display_name="Anneke Colleague", email="anneke@example.org")
    MembershipFactory(community=community, user=colleague)
    stranger = UserFactory(display_name="Anneke Stranger", email="stranger@example.org")
    MembershipFactory(community=CommunityFactory(slug="elsewhere"), user=stranger)
    as_member = suggestions(clients["member"], "annek")
    assert 'value="anneke@example.org">Anneke Colleague' in as_member
    assert "Stranger" not in as_member and "stranger@example.org" not in as_member
    # the program admin may see everyone; an email's beginning finds a person too
    assert "Anneke Stranger" in suggestions(clients["admin"], "annek")
    assert "Anneke Stranger" in suggestions(clients["admin"], "STRANGER@")
    # one letter suggests nobody; the outsider sees only the team and sponsors
    assert "<option" not in suggestions(clients["admin"], "a")
    assert "Anneke" not in suggestions(clients["outsider"], "annek")


def test_suggestions_take_the_same_queries_for_few_and_many_people(
    clients, community, django_assert_num_queries
):
    for n in range(3):
        UserFactory(display_name=f"Andrea {n}")
    with django_assert_num_queries(3) as few:  # the session, the user, the search
        suggestions(clients["admin"], "andrea")
    for n in range(40):
        UserFactory(display_name=f"Andrea more {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        html = suggestions(clients["admin"], "andrea")
    assert html.count("<option") == 10  # at most ten suggestions


def names(html):
    """The names suggested, in their order."""
    found = re.findall(r'<option value="[^"]*">(.*?)(?: — .*?)?</option>', html)
    return [unescape(name) for name in found]


def test_any_word_of_the_name_or_the_email_is_found_from_its_beginning(clients, users):
    UserFactory(display_name="Noor Haddad", email="nh.work@example.org")
    UserFactory(display_name="Anne-Marie Lefèvre", email="aml@example.org")
    UserFactory(display_name="Siobhán O'Brien", email="sob@example.org")
    admin = clients["admin"]
    found = {
        "noor": ["Noor Haddad"],
        "hadd": ["Noor Haddad"],  # a later word
        "Noor  HAD": ["Noor Haddad"],  # several words, from the first
        "nh.wo": ["Noor Haddad"],  # the email's beginning
        "oor": [],  # not inside a word
        "haddad noor": [],  # nor the words in another order
        "marie": ["Anne-Marie Lefèvre"],  # after a hyphen
        "lefev": ["Anne-Marie Lefèvre"],  # accents aside…
        "LEFÈ": ["Anne-Marie Lefèvre"],  # …either way
        "siobhan o'b": ["Siobhán O'Brien"],
        "brien": ["Siobhán O'Brien"],  # after an apostrophe
    }
    for text, expected in found.items():
        assert names(suggestions(admin, text)) == expected, text


def test_the_whole_word_typed_comes_first_then_alphabetically(clients, users):
    for name, email in [
        ("Zeno Anabel", "zeno@example.org"),
        ("Bo Anaconda", "bo@example.org"),
        ("Ana Zorro", "zorro@example.org"),
        ("Ana Ana", "ana@example.org"),  # four keys begin with "ana": listed once
        ("Carl Mendes", "anafi@example.org"),  # the email only
    ]:
        UserFactory(display_name=name, email=email)
    assert names(suggestions(clients["admin"], "ana")) == [
        "Ana Ana", "Ana Zorro", "Zeno Anabel", "Bo Anaconda", "Carl Mendes"
    ]  # fmt: skip


def test_people_the_chooser_may_not_see_never_take_the_place_of_those_they_may(
    clients, users, community
):
    elsewhere = CommunityFactory(slug="elsewhere")
    for n in range(12):  # they come first alphabetically
        stranger = UserFactory(display_name=f"Ana Aalto {n}", email=f"aalto{n}@example.org")
        MembershipFactory(community=elsewhere, user=stranger)
    colleague = UserFactory(display_name="Ana Zulu", email="zulu@example.org")
    MembershipFactory(community=community, user=colleague)
    assert names(suggestions(clients["member"], "ana")) == ["Ana Zulu"]
    assert [p.pk for p in find_people(users["member"], "ana")] == [colleague.pk]
    as_admin = names(suggestions(clients["admin"], "ana"))
    assert len(as_admin) == 10 and all(name.startswith("Ana Aalto") for name in as_admin)
    assert names(suggestions(clients["outsider"], "ana")) == []
    colleague.is_active = False
    colleague.save()
    assert names(suggestions(clients["member"], "ana")) == []


def test_ten_distinct_people_however_many_of_their_keys_match(clients, users):
    # each person's keys come one after the other ("anab", "anab anab", …, "anab@…"), and
    # there are more words than get keys of their own
    people = [" ".join([f"Ana{letter}"] * (MAX_WORDS + 2)) for letter in "bcdefghijklm"]
    for name in people:
        UserFactory(display_name=name, email=f"{name[:4].lower()}@example.org")
    assert names(suggestions(clients["admin"], "ana")) == people[:10]


def test_the_keys_follow_the_name_and_the_email(users):
    admin = users["admin"]
    person = UserFactory(display_name="Noor Haddad", email="noor@example.org")
    assert find_people(admin, "hadd") == [person]
    person.display_name = "Noor Salem"
    person.save()
    assert find_people(admin, "hadd") == [] and find_people(admin, "salem") == [person]
    person.email = "NS@Example.org"
    person.save()
    assert find_people(admin, "noor@") == [] and find_people(admin, "ns@ex") == [person]
    with CaptureQueriesContext(connection) as saved:  # the name and email unchanged…
        person.job_title = "Analyst"
        person.save()
    assert saved.captured_queries  # …the keys stay as they are
    assert not [q for q in saved.captured_queries if "personsearchkey" in q["sql"]]
    erase(person, by=admin)
    assert find_people(admin, "noor") == [] and find_people(admin, "ns@") == []
    keys = {
        bytes(k)
        for k in PersonSearchKey.objects.filter(person=person).values_list("key", flat=True)
    }
    assert keys == {
        f"former member {person.pk}".encode(), f"member {person.pk}".encode(),
        str(person.pk).encode(), f"former-member-{person.pk}@erased.invalid".encode(),
    }  # fmt: skip


class Chooser(forms.Form):
    person = PersonField(label="Person")


def test_the_field_takes_a_name_or_an_email_and_says_what_is_wrong(users):
    UserFactory(display_name="Noor Haddad", email="noor@example.org")
    for text in ("Noor Haddad", "  noor   haddad ", "NOOR@example.org"):
        form = Chooser({"person": text})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["person"].email == "noor@example.org"
    UserFactory(display_name="Sam Lee", email="sam1@example.org")
    UserFactory(display_name="Sam Lee", email="sam2@example.org")
    errors = {
        "Sam Lee": "Several people are called Sam Lee: choose one from the list or type their email.",
        "Nobody Here": "Nobody called Nobody Here has an account: check the name or type their email.",
        "ghost@example.org": "Nobody with this email has an account yet.",
        "x" * 300: "Enter a name or an email of at most 254 characters.",
    }  # fmt: skip
    for text, message in errors.items():
        form = Chooser({"person": text})
        assert not form.is_valid() and form.errors["person"] == [message]
    html = str(Chooser()["person"])
    assert 'list="id_person_people"' in html and 'hx-get="/people/pick/?field=person"' in html
    assert '<datalist id="id_person_people"></datalist>' in html


def test_control_characters_are_refused_before_any_query(clients, django_assert_num_queries):
    """PostgreSQL refuses a NUL in a query: the field and the suggestions answer first."""
    form = Chooser({"person": "Noor\x00 Haddad"})
    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert form.errors["person"] == [
        "Enter a name or an email on one line, without control characters."
    ]
    assert "<option" not in suggestions(clients["admin"], "no\x00or")
