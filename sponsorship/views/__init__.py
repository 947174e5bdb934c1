"""Sponsorship pages (function views, each declaring its HTTP methods), one module per area.

- `appointments`  identify → officially appoint → end (the social learning team), the sponsor
                  map and the communities without a sponsor
- `mentoring`     mentoring pairs and their check-ins, councils
- `cases`         a community's business case: versions, editing, submitting, responses
- `agreements`    a community's agreement with its sponsor(s) and their commitments
- `dashboard`     the sponsor dashboard: every sponsored community in pictures and numbers

Appointments, the sponsor map and the
councils' edits belong to the social learning team: `require_manager` says so, and
`form_page` renders the form pages these areas share.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from childcop import permissions


def require_manager(request):
    if not permissions.can_manage_support_structure(request.user):
        raise PermissionDenied


def form_page(request, form, *, title, submit, cancel, intro="", forms=(), danger=False):
    context = {
        "form": form,
        "extra_forms": forms,
        "title": title,
        "intro": intro,
        "submit": submit,
        "cancel": cancel,
        "danger": danger,
    }
    return render(request, "sponsorship/form.html", context)
