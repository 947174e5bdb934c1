"""Community-scoped health URLs (reports), under /communities/<slug>/health/; namespace communities."""

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("<slug:slug>/health/reports/", views.report_list, name="health_reports"),
    path("<slug:slug>/health/reports/<id:pk>/", views.report_detail, name="health_report"),
    path(
        "<slug:slug>/health/reports/<id:pk>/print/",
        views.report_print,
        name="health_report_print",
    ),
]
