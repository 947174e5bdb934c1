from django.contrib import admin
from django.urls import include, path

from childcop import views
from childcop.accounts import views as account_views

admin.site.site_header = "childcop administration"
admin.site.site_title = "childcop"
admin.site.login = views.admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/profile/", account_views.profile_edit, name="profile"),
    path(
        "people/",
        include(
            (
                [
                    path("", account_views.people_list, name="list"),
                    path("<id:pk>/", account_views.person_detail, name="detail"),
                ],
                "people",
            )
        ),
    ),  # fmt: skip
    path("communities/", include("communities.urls")),
    path("admin/", admin.site.urls),
]
