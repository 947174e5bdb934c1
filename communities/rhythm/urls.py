"""URLs of a community's rhythm, sessions, activity log, attendance import and calendar feed (namespace communities)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/calendar/rotate/", views.rotate_community_token, name="calendar_rotate"),
    # rhythm, sessions and the activity log
    path("<slug:slug>/rhythm/", views.rhythm_overview, name="rhythm"),
    path("<slug:slug>/rhythm/new/", views.rhythm_form, name="rhythm_create"),
    path("<slug:slug>/rhythm/<id:pk>/edit/", views.rhythm_form, name="rhythm_edit"),
    path("<slug:slug>/rhythm/<id:pk>/delete/", views.rhythm_delete, name="rhythm_delete"),
    path("<slug:slug>/sessions/new/", views.session_form, name="session_create"),
    path("<slug:slug>/sessions/<id:pk>/edit/", views.session_form, name="session_edit"),
    path("<slug:slug>/sessions/<id:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<slug:slug>/activities/", views.activity_list, name="activities"),
    path("<slug:slug>/activities/new/", views.activity_form, name="activity_create"),
    path("<slug:slug>/activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("<slug:slug>/activities/<id:pk>/edit/", views.activity_form, name="activity_edit"),
    path(
        "<slug:slug>/activities/<id:pk>/delete/",
        views.activity_delete,
        name="activity_delete",
    ),
    # attendance import from a CSV file: upload → preview → confirm
    path(
        "<slug:slug>/activities/<id:pk>/import/",
        views.import_upload,
        name="attendance_import",
    ),
    path(
        "<slug:slug>/activities/<id:pk>/import/<id:import_id>/",
        views.import_confirm,
        name="attendance_import_confirm",
    ),
]
