"""Program-wide health URLs (program_reports), under /program/; namespace program."""

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("reports/", views.program_report_list, name="reports"),
    path("reports/<id:pk>/", views.program_report_detail, name="report"),
    path("reports/<id:pk>/print/", views.program_report_print, name="report_print"),
]
