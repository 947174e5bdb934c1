"""Choosing a person by name: the suggestions (only people the chooser may see) and the field."""

import pytest
from django import forms
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.picker import PersonField
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
