"""One-line texts (titles, names, subjects) refuse control characters, on every model and
every form of the product; the rows saved before are put on one line by a migration."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models

from childcop.validators import (
    control_characters,
    has_control,
    one_line,
    one_line_rows,
    single_line,
)
from communities.factories import CommunityFactory, SessionFactory
from communities.models import Community, Session
from communities.rhythm.forms import SessionForm
from practice_groups.forms import ProposalForm
from value_stories.forms import StoryForm

PRODUCT = ("childcop", "communities", "practice_groups", "sponsorship", "value_stories", "audit")
# Texts the product writes itself, never a person: keys, tokens, computed flags.
MACHINE = {
    "accounts.User.password",
    "accounts.SentEmail.kind",
    "accounts.SentEmail.key",
    "childcop.AggregateGeneration.name",
    "childcop.AggregateGeneration.token",
    "communities.HealthStatus.flags",
}
LINE_BREAK = "Case clinic\nBcc: everyone@example.org"


def product_models():
    return [m for m in apps.get_models() if m.__module__.split(".")[0] in PRODUCT]


def one_line_fields():
    """Every text a person types on one line: the plain CharFields without choices."""
    return [
        field
        for model in product_models()
        for field in model._meta.concrete_fields
        if type(field) is models.CharField
        and not field.choices
        and field.editable
        and f"{model._meta.label}.{field.name}" not in MACHINE
    ]


def product_forms():
    for top in PRODUCT:
        package = importlib.import_module(top)
        for module in pkgutil.walk_packages(package.__path__, f"{top}."):
            if ".forms" in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {form for form in subclasses(forms.BaseForm) if form.__module__.startswith(PRODUCT)}


def test_every_one_line_model_field_refuses_control_characters():
    fields = one_line_fields()
    assert len(fields) > 30
    missing = [
        f"{field.model._meta.label}.{field.name}"
        for field in fields
        if single_line not in field.validators
    ]
    assert not missing, f"one-line fields without `single_line`: {missing}"


def test_every_one_line_form_field_refuses_control_characters():
    """A form's one-line text is checked by the form (`single_line` on the field) or, in a
    model form, by its model field."""
    found, missing = 0, []
    for form in product_forms():
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, field in form.base_fields.items():
            if type(field) is not forms.CharField or isinstance(field.widget, forms.Textarea):
                continue
            found += 1
            if single_line in field.validators:
                continue
            try:
                model_field = model._meta.get_field(name) if model else None
            except LookupError:
                model_field = None
            if model_field is None or single_line not in model_field.validators:
                missing.append(f"{form.__module__}.{form.__name__}.{name}")
    assert found > 20
    assert not missing, f"one-line form fields without `single_line`: {missing}"


@pytest.mark.parametrize(
    "text",
    [LINE_BREAK, "Tab\there", "Carriage\rreturn", "Right\u202eto left", "Zero\u200bwidth", "\x00"],
)
def test_control_characters_are_refused(text):
    assert has_control(text)
    with pytest.raises(forms.ValidationError) as refused:
        single_line(text)
    assert refused.value.code == "single_line"


@pytest.mark.parametrize("text", ["Café “au lait” – 10 €", "👩\u200d👩\u200d👧 family", ""])
def test_ordinary_texts_and_emoji_are_single_line(text):
    assert not has_control(text)
    single_line(text)
    assert one_line(text) == text


def test_one_line_makes_each_run_a_space():
    assert one_line("  Case clinic \r\n\r\n\tBcc: x ") == "Case clinic Bcc: x"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "field", "needs_community"),
    [(SessionForm, "title", False), (StoryForm, "title", True), (ProposalForm, "name", True)],
)
def test_a_form_says_why_it_refuses_a_line_break(form_class, field, needs_community, community):
    options = {"community": community} if needs_community else {}
    form = form_class(data={field: LINE_BREAK}, **options)
    assert not form.is_valid()
    assert "Keep this on one line" in str(form.errors.get(field)), form.errors


@pytest.mark.django_db
def test_the_migration_puts_the_rows_saved_before_on_one_line(community):
    session = SessionFactory(community=community)
    Session.objects.filter(pk=session.pk).update(title=LINE_BREAK, location="Room\t4")
    twin = CommunityFactory(name="Data protection in practice twin")
    Community.objects.filter(pk=twin.pk).update(name="Data protection\nin practice")
    untouched = SessionFactory(community=community, title="Two  spaces stay")
    assert one_line_rows(apps, "communities", [("session", "title"), ("session", "location")]) == 1
    assert one_line_rows(apps, "communities", [("community", "name")]) == 1
    session.refresh_from_db()
    twin.refresh_from_db()
    untouched.refresh_from_db()
    assert (session.title, session.location) == ("Case clinic Bcc: everyone@example.org", "Room 4")
    assert twin.name == f"Data protection in practice ({twin.pk})"  # the name was taken
    assert untouched.title == "Two  spaces stay"


def test_the_three_planes_scanned_hold_every_control_character_of_unicode():
    import sys

    every_plane = range((sys.maxunicode + 1) // 0x10000)
    assert control_characters() == control_characters(every_plane)
    assert "\n" in control_characters() and "\U000e0001" in control_characters()
