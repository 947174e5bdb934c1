"""Bootstrap rendering for every Django form, including allauth's, in one place."""

from django import forms
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


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per <option>: for choices
    that grow with the program (every community), where the templates cost milliseconds.
    Same markup as Django's Select for a single value."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import escape, format_html
        from django.utils.safestring import mark_safe

        attrs = self.build_attrs(self.attrs, attrs)
        selected = None if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attributes = "".join(
            format_html(' {}="{}"', key, val) if val is not True else format_html(" {}", key)
            for key, val in attrs.items()
            if val is not None and val is not False
        )
        return mark_safe(  # noqa: S308 — every value above is escaped
            f'<select name="{escape(name)}"{attributes}>{options}</select>'
        )


def _attributes(attrs):
    """Django's widgets/attrs.html, in Python."""
    from django.utils.html import format_html

    return "".join(
        format_html(' {}="{}"', key, val) if val is not True else format_html(" {}", key)
        for key, val in attrs.items()
        if val is not False
    )


class FastInputMixin:
    """An <input> rendered in Python rather than by two templates (input.html and
    attrs.html): for forms shown on every view of a busy page. Same markup as Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(  # noqa: S308 — every value is escaped
            f'<input type="{escape(self.input_type)}" name="{escape(name)}"{shown}'
            f"{_attributes(attrs)}>"
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass
