"""URLs of the sponsor dashboard."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "communities/<slug:slug>/dashboard/",
        dashboard.community_dashboard,
        name="community_dashboard",
    ),
]
