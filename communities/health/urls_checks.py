"""Community-scoped health URLs (checks), under /communities/<slug>/health/; namespace communities."""

from django.urls import path

from . import checks

urlpatterns = [
    path("<slug:slug>/health/checks/", checks.check_list, name="health_checks"),
    path("<slug:slug>/health/checks/new/", checks.check_open, name="health_check_open"),
    path("<slug:slug>/health/checks/<id:pk>/", checks.check_detail, name="health_check"),
    path(
        "<slug:slug>/health/checks/<id:pk>/answer/",
        checks.check_answer,
        name="health_check_answer",
    ),
    path("<slug:slug>/health/checks/<id:pk>/close/", checks.check_close, name="health_check_close"),
]
