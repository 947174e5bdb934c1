from django.urls import path

from . import (
    attendance_import,
    calendar,
    urls_agenda,
    urls_launch,
    urls_loops,
    urls_pdca,
    views,
    views_rhythm,
)
from .health import urls_checks, urls_indicators, urls_reports, urls_support

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    # health: indicators and flags, health checks, monthly reports (<slug>/health/...)
    *urls_indicators.urlpatterns,
    *urls_checks.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_support.urlpatterns,
    path("new/", views.community_create, name="create"),
    # the launch playbook (before <slug>/: its "launch-plans/" list is not a community)
    *urls_launch.urlpatterns,
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/edit/", views.community_edit, name="edit"),
    path("<slug:slug>/stage/", views.community_stage, name="stage"),
    path("<slug:slug>/join/", views.community_join, name="join"),
    path("<slug:slug>/leave/", views.community_leave, name="leave"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/export.csv", views.member_export, name="members_export"),
    path("<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("<slug:slug>/members/<id:pk>/", views.membership_edit, name="membership_edit"),
    path("<slug:slug>/members/<id:pk>/remove/", views.membership_remove, name="membership_remove"),
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
    *urls_agenda.urlpatterns,
    *urls_loops.urlpatterns,
    *urls_pdca.urlpatterns,
]
