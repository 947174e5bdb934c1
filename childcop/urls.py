from allauth import urls as allauth_urls
from django.contrib import admin
from django.urls import URLPattern, include, path

from audit import urls as audit_urls
from childcop import views
from childcop.accounts import views as account_views
from childcop.api import urls as api_urls
from communities.health import urls as health_urls
from communities.landscape import urls as landscape_urls
from communities.rhythm import views as rhythm_views
from communities.stewardship import urls as stewardship_urls

admin.site.site_header = "childcop administration"
admin.site.site_title = "childcop"
admin.site.login = views.admin_login
handler500 = "childcop.views.server_error"

# allauth's pages, less its unnamed redirects from addresses this site never had (allauth's
# deprecated "social/..." ones): every address here has a name and a permission rule.
ALLAUTH_URLS = [
    p for p in allauth_urls.urlpatterns if not (isinstance(p, URLPattern) and p.name is None)
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(ALLAUTH_URLS)),
    path("account/profile/", account_views.profile_edit, name="profile"),
    # personal access tokens (on the profile) and the read-only reporting API
    path("account/tokens/", include((api_urls.token_patterns, "tokens"))),
    path("api/v1/", include((api_urls.api_patterns, "api"))),
    path("account/my-data/", account_views.my_data, name="my_data"),
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
        "notifications/",
        include(
            (
                [
                    path("", account_views.notification_list, name="list"),
                    path("<id:pk>/read/", account_views.notification_read, name="read"),
                    path("read/", account_views.notification_read_all, name="read_all"),
                    path(
                        "preferences/",
                        account_views.notification_preferences,
                        name="preferences",
                    ),
                ],
                "notifications",
            )
        ),
    ),  # fmt: skip
    path(
        "people/",
        include(
            (
                [
                    path("", account_views.people_list, name="list"),
                    path("pick/", account_views.person_pick, name="pick"),
                    path("<id:pk>/", account_views.person_detail, name="detail"),
                    path("<id:pk>/erase/", account_views.person_erase, name="erase"),
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
    # launches and the reviews due; program retention and the landscape of practice
    path(
        "program/",
        include(
            (
                health_urls.program_urlpatterns
                + stewardship_urls.program_urlpatterns
                + audit_urls.program_urlpatterns
                + landscape_urls.program_urlpatterns,
                "program",
            )
        ),
    ),
    path("admin/", admin.site.urls),
]
