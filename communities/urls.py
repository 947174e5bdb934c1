from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="create"),
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
]
