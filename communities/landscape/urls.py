"""Retention, drifting regulars and the landscape: community-scoped `urlpatterns`
(namespace communities) and `program_urlpatterns` under /program/ (namespace program)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/retention/", views.retention, name="retention"),
    path("<slug:slug>/retention/drifting/", views.drifting, name="drifting"),
    path("<slug:slug>/landscape/", views.neighbourhood, name="neighbourhood"),
]

program_urlpatterns = [
    path("retention/", views.program_retention, name="retention"),
    path("landscape/", views.landscape, name="landscape"),
    path("landscape/communities.csv", views.landscape_export, name="landscape_export"),
    path("landscape/brokers.csv", views.brokers_export, name="brokers_export"),
]
