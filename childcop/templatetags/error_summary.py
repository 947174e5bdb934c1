"""The GOV.UK error summary: every error of every form on the page, at its top, each a link
to its field (base.html draws it; static/js/childcop.js moves focus to it)."""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()

# Django's own messages say nothing of which field they are about: the summary names it.
GENERIC = {
    "This field is required.", "Enter a valid value.", "Select a valid choice.",
    "Enter a valid URL.", "Enter a valid email address.", "Enter a whole number.",
    "Enter a number.", "Enter a valid date.", "Enter a valid time.",
}  # fmt: skip


def _row_name(formset) -> str:
    """What one form of a formset is called in the summary: the formset's `row_name`
    ("Output"), else its prefix made singular ("indicators" → "Indicator")."""
    name = getattr(formset, "row_name", "") or formset.prefix.replace("_", " ").replace("-", " ")
    name = name.strip().capitalize()
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _field_errors(form, row=""):
    """`row`: "Output 2", for a form of a formset: every message then names its row and its
    field, whatever Django's message says (each row has the same fields)."""
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            for error in errors:
                yield {"text": error, "href": ""}
            continue
        bound = form[name]
        target = bound.id_for_label or bound.auto_id
        if bound.use_fieldset and bound.field.widget.subwidgets:
            target = f"{bound.auto_id}_0"
        for error in errors:
            label = str(bound.label or name)
            if row:
                text = f"{row}, {label.lower()}: {error}"
            else:
                text = f"{label}: {error}" if error in GENERIC else error
            yield {"text": text, "href": f"#{target}" if target else ""}


def _errors(thing):
    if isinstance(thing, BaseFormSet):
        if not thing.is_bound:
            return
        for error in thing.non_form_errors():
            yield {"text": error, "href": ""}
        row = _row_name(thing)
        for number, form in enumerate(thing.forms, start=1):
            yield from _field_errors(form, f"{row} {number}")
    elif isinstance(thing, forms.BaseForm) and thing.is_bound:
        yield from _field_errors(thing)


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context):
    """The errors of the bound forms and formsets in the page's context, in their order."""
    seen, items = set(), []
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm | BaseFormSet) and id(value) not in seen:
            seen.add(id(value))
            items.extend(_errors(value))
    return {"error_items": items}
