from django.urls import path

from . import views
from .health import urls as health_urls
from .landscape import urls as landscape_urls
from .learning import urls as learning_urls
from .rhythm import urls as rhythm_urls
from .stewardship import urls as stewardship_urls

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    # health: indicators and flags, health checks, monthly reports (<slug>/health/...)
    *health_urls.urlpatterns,
    path("new/", views.community_create, name="create"),
    # old addresses of the program's launches and reviews due (before <slug>/): redirects
    *stewardship_urls.moved_urlpatterns,
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
    *rhythm_urls.urlpatterns,
    *learning_urls.urlpatterns,
    *landscape_urls.urlpatterns,
    *stewardship_urls.urlpatterns,
]
