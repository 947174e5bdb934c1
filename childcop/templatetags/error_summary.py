"""The GOV.UK error summary: every error of every form on the page, at its top, each a link
to its field (base.html draws it; static/js/childcop.js moves focus to it)."""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()

# Django's own messages say nothing of which field they are about: the summary names it.
GENERIC = {"This field is required.", "Enter a valid value.", "Select a valid choice."}


def _field_errors(form):
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
            text = f"{label}: {error}" if error in GENERIC else error
            yield {"text": text, "href": f"#{target}" if target else ""}


def _errors(thing):
    if isinstance(thing, BaseFormSet):
        if not thing.is_bound:
            return
        for error in thing.non_form_errors():
            yield {"text": error, "href": ""}
        for form in thing.forms:
            yield from _field_errors(form)
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
