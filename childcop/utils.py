"""Small helpers shared by every app: list pages, the steps of form views (say and redirect,
save a form's object, a refused step's message), absolute addresses for emails and feeds,
CSV exports."""

import csv
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def paginate(request, queryset, per_page=None):
    """A page of the queryset; bad or out-of-range page numbers fall back gracefully."""
    paginator = Paginator(queryset, per_page or settings.CHILDCOP_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def filtered_page(request, filterset, template, partial, **context):
    """A list page: the `filter` and one `page` of its results, beside `context`. An htmx
    request (a filter changed, a page turned) gets only the `partial` that holds the table."""
    context.update(filter=filterset, page=paginate(request, filterset.qs))
    return render(request, partial if request.htmx else template, context)


def done(request, message, to, *args, **kwargs):
    """Say `message` (a success) and go to `to`: a model, a URL name (with `args`/`kwargs`)
    or a URL, as `redirect` takes them."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)


@contextmanager
def errors_said(request, *errors):
    """Run the block (a workflow step and its success message); if it raises one of
    `errors` (the service refusing the step now), say the error instead."""
    try:
        yield
    except errors as error:
        messages.error(request, str(error))


def save_with(form, **fields):
    """Save a model form's object with `fields` set on it (its community, who made it...),
    and its many-to-many relations; the object."""
    obj = form.save(commit=False)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    form.save_m2m()
    return obj


def site_url(to, *args) -> str:
    """The absolute address of a page, for emails and calendar feeds: `to` is a model, a
    URL name (with its `args`) or a path, as `redirect` takes them."""
    return settings.SITE_URL + resolve_url(to, *args)


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas in exported cells. Numbers the product computed
    (ints, floats, decimals — never text someone typed) stay numbers, negative ones too."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def csv_response(filename: str, header, rows, *, request=None, community=None) -> HttpResponse:
    """A CSV download of `rows` under `header`, formulas neutralised. With the `request`,
    the export is recorded in the audit log (who exported which file, from which community)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    if request is not None:
        import audit

        audit.record(
            request.user, audit.Action.EXPORTED, filename, community=community, request=request
        )
    return response


def posted(request):
    """The POST data when the request is a POST (even an empty one), else None for an unbound form."""
    return request.POST if request.method == "POST" else None


def day_month_year(value, *, year=True) -> str:
    """`value|date:"j M Y"` (e.g. "7 Mar 2026"; `year=False`: "j M"), formatted directly:
    for pages that show dozens of dates, where the template filter's general formatter
    costs milliseconds."""
    from django.utils.dates import MONTHS_3

    day_month = f"{value.day} {str(MONTHS_3[value.month]).title()}"
    return f"{day_month} {value.year}" if year else day_month
