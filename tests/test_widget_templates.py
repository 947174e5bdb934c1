"""Our widget templates (templates/django/forms/widgets/) and our <select> drawn in Python
(childcop.forms.render_select) make Django's own widgets with the same markup as Django's
stock templates, in one template per <input> and none per <select>."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test.signals import template_rendered

from childcop.forms import BootstrapRenderer

STOCK = DjangoTemplates()  # Django's own widget templates, as shipped

TRICKY = 'Q&A <live> "now"'

CHOICES = [
    ("", "Any community"),
    ("a", "Alpha"),
    (TRICKY, TRICKY),
    (7, "Seven"),
]

GROUPED = [
    ("", "Anyone"),
    ("Audio", [("vinyl", "Vinyl"), ("cd", "CD & <more>")]),
    ("Video", [("vhs", "VHS"), ("dvd", 'DVD "deluxe"')]),
    ("unknown", "Unknown"),
]

ATTRS = {"id": "id_field", "class": "form-select is-invalid", "data-x": TRICKY}


def normalise(html) -> str:
    """The same markup whatever the whitespace between tags and inside text runs."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def both(widget, name, value, attrs=None):
    """The widget drawn by our renderer and by Django's stock templates."""
    ours = widget.render(name, value, attrs=attrs, renderer=get_default_renderer())
    stock = widget.render(name, value, attrs=attrs, renderer=STOCK)
    return normalise(ours), normalise(stock)


def test_the_project_draws_widgets_with_our_templates():
    assert isinstance(get_default_renderer(), BootstrapRenderer)
    template = get_default_renderer().get_template("django/forms/widgets/input.html")
    assert "templates/django/forms/widgets/input.html" in str(template.origin.name)


@pytest.mark.parametrize("value", [None, "", "a", TRICKY, 7, "7", "missing"])
def test_select_is_djangos_markup(value):
    ours, stock = both(forms.Select(choices=CHOICES), "community", value, ATTRS)
    assert ours == stock
    assert "&lt;live&gt;" in ours and "&quot;now&quot;" in ours and "Q&amp;A" in ours
    assert "<live>" not in ours


def test_selected_option_is_marked():
    ours, stock = both(forms.Select(choices=CHOICES), "community", TRICKY, ATTRS)
    assert ours == stock
    assert ours.count(" selected") == 1
    assert '<option value="Q&amp;A &lt;live&gt; &quot;now&quot;" selected>' in ours


@pytest.mark.parametrize("value", [None, "cd", "dvd", "unknown"])
def test_select_with_optgroups_is_djangos_markup(value):
    ours, stock = both(forms.Select(choices=GROUPED), "medium", value, {"id": "id_medium"})
    assert ours == stock
    assert '<optgroup label="Audio">' in ours and "CD &amp; &lt;more&gt;" in ours


def test_select_multiple_and_null_boolean_are_djangos_markup():
    multiple = forms.SelectMultiple(choices=GROUPED)
    ours, stock = both(multiple, "media", ["cd", "vhs"], {"id": "id_media", "required": True})
    assert ours == stock
    assert ours.count(" selected") == 2
    ours, stock = both(forms.NullBooleanSelect(), "ok", True, {"id": "id_ok"})
    assert ours == stock


def test_select_of_a_model_choice_field_is_djangos_markup(db, community):
    from communities.models import Community

    field = forms.ModelChoiceField(
        queryset=Community.objects.order_by("name"), empty_label="Any community"
    )
    ours, stock = both(field.widget, "community", community.pk, {"id": "id_community"})
    assert ours == stock
    assert f'<option value="{community.pk}" selected>' in ours


@pytest.mark.parametrize("value", [None, "", TRICKY, 0, 42])
@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(attrs={"type": "search", "placeholder": TRICKY}),
        forms.TextInput,
        forms.HiddenInput,
        forms.NumberInput(attrs={"min": 1, "max": 999}),
        forms.EmailInput,
    ],
    ids=["search", "text", "hidden", "number", "email"],
)
def test_inputs_are_djangos_markup(widget, value):
    widget = widget() if isinstance(widget, type) else widget
    attrs = {"id": "id_q", "class": "form-control", "required": True, "disabled": False}
    ours, stock = both(widget, "q", value, attrs)
    assert ours == stock
    assert " required" in ours and "disabled" not in ours


def test_a_bound_forms_widgets_are_djangos_markup():
    """Through the form: Bootstrap classes, required, an invalid value kept."""

    class Form(forms.Form):
        q = forms.CharField(required=False)
        community = forms.ChoiceField(choices=CHOICES, required=False)
        medium = forms.ChoiceField(choices=GROUPED)
        sort = forms.CharField(widget=forms.HiddenInput, required=False)

    form = Form({"q": TRICKY, "community": TRICKY, "medium": "nope", "sort": "-name"})
    assert not form.is_valid()
    ours = [normalise(form[name].as_widget()) for name in form.fields]
    form.renderer = STOCK
    assert ours == [normalise(form[name].as_widget()) for name in form.fields]
    assert 'class="form-select is-invalid"' in ours[2]


def count_renders(widget, name, value, renderer):
    rendered = []

    def seen(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        widget.render(name, value, attrs={"id": "id_x"}, renderer=renderer)
    finally:
        template_rendered.disconnect(seen)
    return rendered


def test_a_long_select_is_drawn_without_a_template_per_option():
    widget = forms.Select(choices=[("", "Any")] + [(i, f"Community {i}") for i in range(500)])
    stock = count_renders(widget, "community", 250, STOCK)
    assert len(stock) > 500  # Django's: one option template (and its attrs) per option
    assert count_renders(widget, "community", 250, get_default_renderer()) == []
    ours, theirs = both(widget, "community", 250, {"id": "id_community"})
    assert ours == theirs and ours.count("<option") == 501


def test_an_input_is_at_most_two_templates():
    for widget in (forms.TextInput(), forms.HiddenInput(), forms.NumberInput()):
        rendered = count_renders(widget, "q", "x", get_default_renderer())
        assert "django/forms/widgets/attrs.html" not in rendered
        assert rendered[-1] == "django/forms/widgets/input.html"
        assert len(rendered) <= 2
