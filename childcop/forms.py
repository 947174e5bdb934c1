"""Bootstrap rendering and the bounds on dates, for every Django form (allauth's and the
admin's included), in one place."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


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


class BootstrapRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField


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
