"""Choosing a person by name or email: a field, its search-as-you-type widget and the search.

The widget is a text box with a list of suggestions (a <datalist>) that htmx fills from
`people:pick` as the chooser types: only people the chooser may see
(childcop.permissions.people), ten at most, in one query. What is typed finds the people with
a word of their name, or their email, that begins with it, accents and case aside
(childcop.accounts.search_keys): "hadd" finds Noor Haddad, "chloe" Chloé Moreau. The field
takes an email or a name; a name that several people share asks for the email.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse

from childcop import permissions
from childcop.validators import has_control

from .search_keys import MAX_KEYS, fold, prefix_range

SUGGESTIONS = 10
SHORTEST = 2  # characters typed before anyone is suggested


def find_people(viewer, text: str, limit: int = SUGGESTIONS):
    """The active people `viewer` may see with a word of their name, or their email, that
    begins with `text` (one query).

    Those whose matching word comes first alphabetically come first: the whole word typed
    ("Ana") before longer ones ("Anabel"). The query reads the matching keys in the order of
    their index and stops at `limit` people: its time hardly depends on how many match.
    """
    text = " ".join((text or "").split())[:100]
    if has_control(text):  # nobody's name holds control characters
        return []
    text = fold(text)
    if len(text) < SHORTEST:
        return []
    low, high = prefix_range(text)
    User = get_user_model()
    rows = (
        User.objects.filter(
            permissions.visible_people_q(viewer),
            is_active=True,
            search_keys__key__gte=low,
            search_keys__key__lt=high,
        )
        .order_by("search_keys__key", "pk")
        .only("pk", "display_name", "email", "job_title", "department")
    )
    # One row per matching key: a person matches with MAX_KEYS keys at most, so this many
    # rows hold `limit` distinct people whenever there are that many.
    people = {}
    for person in rows[: limit * MAX_KEYS]:
        people.setdefault(person.pk, person)
        if len(people) == limit:
            break
    return list(people.values())


class PersonPicker(forms.TextInput):
    """A text box that suggests people as their name is typed (static/js: htmx)."""

    template_name = "widgets/person_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id', name)}_people"
        widget["list_id"] = list_id
        widget["attrs"].update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": f"{reverse('people:pick')}?field={name}",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        return context


class PersonField(forms.CharField):
    """Someone with an account, given by their name or email."""

    widget = PersonPicker

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "Type their name or email and choose them from the list.")
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "254"}

    def prepare_value(self, value):
        if isinstance(value, get_user_model()):
            return value.email
        return value

    def to_python(self, value):
        text = " ".join((super().to_python(value) or "").split())
        if has_control(text):  # checked before any query (PostgreSQL refuses a NUL in one)
            raise forms.ValidationError(
                "Enter a name or an email on one line, without control characters."
            )
        if len(text) > 254:
            raise forms.ValidationError("Enter a name or an email of at most 254 characters.")
        if not text:
            return None
        User = get_user_model()
        people = User.objects.filter(is_active=True)
        if "@" in text:
            person = people.filter(email__iexact=text).first()
            if person is None:
                raise forms.ValidationError("Nobody with this email has an account yet.")
            return person
        named = list(people.filter(display_name__iexact=text)[:2])
        if len(named) > 1:
            raise forms.ValidationError(
                f"Several people are called {text}: choose one from the list or type their email."
            )
        if not named:
            raise forms.ValidationError(
                f"Nobody called {text} has an account: check the name or type their email."
            )
        return named[0]
