from django.urls import path

from . import views

app_name = "practice_groups"

urlpatterns = [
    path("community/<slug:slug>/", views.group_list, name="list"),
    path("community/<slug:slug>/propose/", views.propose, name="propose"),
    path("<id:pk>/", views.group_detail, name="detail"),
    path("<id:pk>/edit/", views.group_edit, name="edit"),
    path("<id:pk>/review/", views.group_review, name="review"),
    path("<id:pk>/join/", views.group_join, name="join"),
    path("<id:pk>/leave/", views.group_leave, name="leave"),
    path("<id:pk>/conclude/", views.group_conclude, name="conclude"),
    path("<id:pk>/reports/new/", views.report_create, name="report_create"),
    path("<id:pk>/support/", views.support_create, name="support_create"),
    path("reports/<id:pk>/", views.report_detail, name="report"),
    path("reports/<id:pk>/respond/", views.report_respond, name="report_respond"),
    path("reports/<id:pk>/reply/", views.report_reply, name="report_reply"),
]
