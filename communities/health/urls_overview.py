"""Program-wide health URLs (overview), under /program/; namespace program.

The program overview with its CSV export and "recompute now", and the social learning
team's support-request queue (requests from coordinators and practice groups).
"""

from django.urls import path

from . import overview, support

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("export.csv", overview.overview_export, name="overview_export"),
    path("refresh/", overview.overview_refresh, name="overview_refresh"),
    path("support/", support.support_queue, name="support_queue"),
    path("support/<id:pk>/", support.support_update, name="support_update"),
]
