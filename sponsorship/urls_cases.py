"""URLs of business cases and agreements (expectations and accountability)."""

from django.urls import path

from . import agreements, business_case

urlpatterns = [
    path(
        "communities/<slug:slug>/business-case/",
        business_case.case_overview,
        name="business_case",
    ),
    path(
        "communities/<slug:slug>/business-case/edit/",
        business_case.case_edit,
        name="business_case_edit",
    ),
    path(
        "communities/<slug:slug>/business-case/submit/",
        business_case.case_submit,
        name="business_case_submit",
    ),
    path(
        "communities/<slug:slug>/business-case/<id:pk>/",
        business_case.case_version,
        name="business_case_version",
    ),
    path(
        "communities/<slug:slug>/business-case/<id:pk>/respond/",
        business_case.case_respond,
        name="business_case_respond",
    ),
    path("communities/<slug:slug>/agreement/", agreements.agreement_detail, name="agreement"),
    path(
        "communities/<slug:slug>/agreement/edit/",
        agreements.agreement_edit,
        name="agreement_edit",
    ),
]
