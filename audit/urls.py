"""The audit log, a page of the social learning team under /program/ (namespace program)."""

from django.urls import path

from . import views

program_urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
