"""Sponsorship URLs (namespace sponsorship): the sponsor dashboard, the support structure
(appointments, mentoring, councils), business cases and agreements."""

from django.urls import path

from .views import agreements, appointments, cases, dashboard, mentoring

app_name = "sponsorship"

urlpatterns = [
    # The sponsor dashboard
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "communities/<slug:slug>/dashboard/",
        dashboard.community_dashboard,
        name="community_dashboard",
    ),
    # Appointments: identify → officially appoint → end (the social learning team)
    path("appointments/", appointments.appointment_list, name="appointment_list"),
    path("appointments/export.csv", appointments.appointment_export, name="appointment_export"),
    path(
        "appointments/identify/",
        appointments.appointment_identify,
        name="appointment_identify",
    ),
    path("appointments/<id:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<id:pk>/appoint/",
        appointments.appointment_appoint,
        name="appointment_appoint",
    ),
    path("appointments/<id:pk>/end/", appointments.appointment_end, name="appointment_end"),
    path("appointments/<id:pk>/edit/", appointments.appointment_edit, name="appointment_edit"),
    path(
        "support/without-sponsor/",
        appointments.communities_without_sponsor,
        name="communities_without_sponsor",
    ),
    path("support/sponsor-map/", appointments.sponsor_map, name="sponsor_map"),
    # Mentoring
    path("mentoring/", mentoring.my_mentoring, name="my_mentoring"),
    path("mentoring/pairs/", mentoring.pair_list, name="pair_list"),
    path("mentoring/pairs/new/", mentoring.pair_form, name="pair_create"),
    path("mentoring/pairs/<id:pk>/", mentoring.pair_detail, name="pair_detail"),
    path("mentoring/pairs/<id:pk>/edit/", mentoring.pair_form, name="pair_edit"),
    path("mentoring/pairs/<id:pk>/check-ins/", mentoring.check_in_add, name="check_in_add"),
    # Councils
    path("councils/", mentoring.council_list, name="council_list"),
    path("councils/new/", mentoring.council_form, name="council_create"),
    path("councils/<id:pk>/edit/", mentoring.council_form, name="council_edit"),
    # Business cases
    path("communities/<slug:slug>/business-case/", cases.case_overview, name="business_case"),
    path(
        "communities/<slug:slug>/business-case/edit/",
        cases.case_edit,
        name="business_case_edit",
    ),
    path(
        "communities/<slug:slug>/business-case/submit/",
        cases.case_submit,
        name="business_case_submit",
    ),
    path(
        "communities/<slug:slug>/business-case/<id:pk>/",
        cases.case_version,
        name="business_case_version",
    ),
    path(
        "communities/<slug:slug>/business-case/<id:pk>/respond/",
        cases.case_respond,
        name="business_case_respond",
    ),
    # Agreements (expectations and accountability)
    path("communities/<slug:slug>/agreement/", agreements.agreement_detail, name="agreement"),
    path(
        "communities/<slug:slug>/agreement/edit/",
        agreements.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "communities/<slug:slug>/agreement/commitments/<int:pk>/done/",
        agreements.commitment_done,
        name="commitment_done",
    ),
]
