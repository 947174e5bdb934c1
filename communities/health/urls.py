"""Community-scoped health URLs: indicators and flags, health checks, monthly reports and support requests (namespace communities)."""

from django.urls import path

from .views import checks, indicators, overview, reports, support

urlpatterns = [
    path("<slug:slug>/health/", indicators.health, name="health"),
    path("<slug:slug>/health/checks/", checks.check_list, name="health_checks"),
    path("<slug:slug>/health/checks/new/", checks.check_open, name="health_check_open"),
    path("<slug:slug>/health/checks/<id:pk>/", checks.check_detail, name="health_check"),
    path(
        "<slug:slug>/health/checks/<id:pk>/answer/",
        checks.check_answer,
        name="health_check_answer",
    ),
    path("<slug:slug>/health/checks/<id:pk>/close/", checks.check_close, name="health_check_close"),
    path("<slug:slug>/health/reports/", reports.report_list, name="health_reports"),
    path("<slug:slug>/health/reports/<id:pk>/", reports.report_detail, name="health_report"),
    path(
        "<slug:slug>/health/reports/<id:pk>/print/",
        reports.report_print,
        name="health_report_print",
    ),
    path("<slug:slug>/support/new/", support.support_request, name="support_request"),
]

# Program-wide pages of the social learning team, under /program/ (namespace program): the
# overview with its CSV export and "recompute now", the support queue, the program reports.
program_urlpatterns = [
    path("", overview.overview, name="overview"),
    path("export.csv", overview.overview_export, name="overview_export"),
    path("refresh/", overview.overview_refresh, name="overview_refresh"),
    path("support/", support.support_queue, name="support_queue"),
    path("support/<id:pk>/", support.support_update, name="support_update"),
    path("reports/", reports.program_report_list, name="reports"),
    path("reports/<id:pk>/", reports.program_report_detail, name="report"),
    path("reports/<id:pk>/print/", reports.program_report_print, name="report_print"),
]
