"""Bootstrap rendering and the bounds on dates, for every Django form (allauth's and the
admin's included), in one place."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if self.form.is_bound and self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


def _attrs(attrs) -> str:
    """Django's attrs.html: ` name="value"`, a bare name when True, nothing when False."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def render_select(context) -> str:
    """Django's select.html and its option template, drawn in Python with the same markup
    (tests/test_widget_templates.py compares them): a filter form's <select> lists every
    community or person of the program, and a template per option (or one loop of template
    nodes) took a hundred milliseconds for 500 options."""
    widget = context["widget"]
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(str(option["value"]))}"'
            f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in group_choices
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class BootstrapRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
    # Widgets drawn in Python rather than by their template (same markup, see each).
    DRAWN = {"django/forms/widgets/select.html": render_select}

    def render(self, template_name, context, request=None):
        draw = self.DRAWN.get(template_name)
        return draw(context) if draw else super().render(template_name, context, request)


# Dates a person may enter anywhere in the product: far enough back for a birth date or an
# old record, far enough ahead for any plan; years beyond overflow date arithmetic (time
# zones, recurrence) and mean nothing to an organisation.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def within_years(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            "Enter a date between the years %(first)s and %(last)s.",
            code="year_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def bound_dates():
    """Every date and date-time field of every form accepts the years above only.

    Called once when the project starts (ChildcopConfig.ready): the validator is a default
    of Django's DateField and DateTimeField classes, so model forms, plain forms, filters and
    the admin all check it before any clean() method or query uses the date.
    """
    for field_class in (forms.DateField, forms.DateTimeField):
        if within_years not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, within_years]


def sort_filter(*orders, default: str):
    """A list's "Sort by" (django-filter's OrderingFilter): each order named both ways in
    words — ("created_at", "created", "Oldest first", "Newest first") — rather than "Newest
    (descending)"; `default`: how the list is ordered when no sort is chosen, the first
    choice ("Usual order: newest first", not "---------")."""
    import django_filters

    labels = {}
    for field, param, ascending, descending in orders:
        labels[field], labels[f"-{param}"] = ascending, descending
    return django_filters.OrderingFilter(
        fields=tuple((field, param) for field, param, _, _ in orders),
        field_labels=labels,
        label="Sort by",
        empty_label=f"Usual order: {default[:1].lower()}{default[1:]}",
    )
