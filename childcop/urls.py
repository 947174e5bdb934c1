from django.contrib import admin
from django.urls import include, path

from childcop import views
from childcop.accounts import views as account_views
from communities.health import urls as health_urls
from communities.rhythm import views as rhythm_views
from communities.stewardship import urls as stewardship_urls

admin.site.site_header = "childcop administration"
admin.site.site_title = "childcop"
admin.site.login = views.admin_login
handler500 = "childcop.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/profile/", account_views.profile_edit, name="profile"),
    # Calendar feeds (secret-token addresses, public) and revoking them; one-click unsubscribe.
    path(
        "calendar/community/<slug:token>.ics",
        rhythm_views.community_feed,
        name="calendar_community",
    ),
    path("calendar/me/<slug:token>.ics", rhythm_views.personal_feed, name="calendar_mine"),
    path(
        "account/calendar/rotate/", rhythm_views.rotate_personal_token, name="calendar_rotate_mine"
    ),
    path("unsubscribe/<str:token>/", rhythm_views.unsubscribe, name="unsubscribe"),
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
    path("sponsorship/", include("sponsorship.urls")),
    path("groups/", include("practice_groups.urls")),
    path("stories/", include("value_stories.urls")),
    # the social learning team's program overview, program reports and support queue; the
    # launches and the reviews due
    path(
        "program/",
        include(
            (health_urls.program_urlpatterns + stewardship_urls.program_urlpatterns, "program")
        ),
    ),
    path("admin/", admin.site.urls),
]
