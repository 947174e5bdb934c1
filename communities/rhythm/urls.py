"""URLs of a community's rhythm, sessions, activity log, attendance import and calendar feed (namespace communities)."""

from django.urls import path

from communities import attendance_import, calendar, views_rhythm

urlpatterns = [
    path("<slug:slug>/calendar/rotate/", calendar.rotate_community_token, name="calendar_rotate"),
    # rhythm, sessions and the activity log
    path("<slug:slug>/rhythm/", views_rhythm.rhythm_overview, name="rhythm"),
    path("<slug:slug>/rhythm/new/", views_rhythm.rhythm_form, name="rhythm_create"),
    path("<slug:slug>/rhythm/<id:pk>/edit/", views_rhythm.rhythm_form, name="rhythm_edit"),
    path("<slug:slug>/rhythm/<id:pk>/delete/", views_rhythm.rhythm_delete, name="rhythm_delete"),
    path("<slug:slug>/sessions/new/", views_rhythm.session_form, name="session_create"),
    path("<slug:slug>/sessions/<id:pk>/edit/", views_rhythm.session_form, name="session_edit"),
    path(
        "<slug:slug>/sessions/<id:pk>/cancel/", views_rhythm.session_cancel, name="session_cancel"
    ),
    path("<slug:slug>/activities/", views_rhythm.activity_list, name="activities"),
    path("<slug:slug>/activities/new/", views_rhythm.activity_form, name="activity_create"),
    path("<slug:slug>/activities/<id:pk>/", views_rhythm.activity_detail, name="activity_detail"),
    path("<slug:slug>/activities/<id:pk>/edit/", views_rhythm.activity_form, name="activity_edit"),
    path(
        "<slug:slug>/activities/<id:pk>/delete/",
        views_rhythm.activity_delete,
        name="activity_delete",
    ),
    # attendance import from a CSV file: upload → preview → confirm
    path(
        "<slug:slug>/activities/<id:pk>/import/",
        attendance_import.import_upload,
        name="attendance_import",
    ),
    path(
        "<slug:slug>/activities/<id:pk>/import/<id:import_id>/",
        attendance_import.import_confirm,
        name="attendance_import_confirm",
    ),
]
