"""URLs of appointments, mentoring and councils (the support structure)."""

from django.urls import path

from . import views

urlpatterns = [
    # Appointments: identify → officially appoint → end (the social learning team)
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("appointments/export.csv", views.appointment_export, name="appointment_export"),
    path("appointments/identify/", views.appointment_identify, name="appointment_identify"),
    path("appointments/<id:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<id:pk>/appoint/", views.appointment_appoint, name="appointment_appoint"),
    path("appointments/<id:pk>/end/", views.appointment_end, name="appointment_end"),
    path("appointments/<id:pk>/edit/", views.appointment_edit, name="appointment_edit"),
    path(
        "support/without-sponsor/",
        views.communities_without_sponsor,
        name="communities_without_sponsor",
    ),
    path("support/sponsor-map/", views.sponsor_map, name="sponsor_map"),
    # Mentoring
    path("mentoring/", views.my_mentoring, name="my_mentoring"),
    path("mentoring/pairs/", views.pair_list, name="pair_list"),
    path("mentoring/pairs/new/", views.pair_form, name="pair_create"),
    path("mentoring/pairs/<id:pk>/", views.pair_detail, name="pair_detail"),
    path("mentoring/pairs/<id:pk>/edit/", views.pair_form, name="pair_edit"),
    path("mentoring/pairs/<id:pk>/check-ins/", views.check_in_add, name="check_in_add"),
    # Councils
    path("councils/", views.council_list, name="council_list"),
    path("councils/new/", views.council_form, name="council_create"),
    path("councils/<id:pk>/edit/", views.council_form, name="council_edit"),
]
