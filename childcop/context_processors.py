from django.conf import settings

from childcop import permissions

# Whether the person sponsors communities, kept in their session for the navigation.
SPONSOR_SESSION_KEY = "childcop_is_sponsor"


def remember_sponsor(request, is_sponsor: bool) -> None:
    """Keep whether the person sponsors communities in their session, for the navigation's
    "Sponsor dashboard", so no page but the home page asks the database. Learnt when they
    sign in, and again on every visit of their home page."""
    if request.session.get(SPONSOR_SESSION_KEY) != is_sponsor:
        request.session[SPONSOR_SESSION_KEY] = is_sponsor


def remember_sponsor_on_login(sender, request, user, **kwargs):
    """`user_logged_in` receiver (connected in `childcop.apps`)."""
    if request is not None and hasattr(request, "session"):
        remember_sponsor(request, permissions.is_sponsor(user))


def roles(request):
    """The navigation's role flags (no query: see `remember_sponsor`)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return {
        "is_program_admin": bool(user and permissions.is_program_admin(user)),
        "nav_is_sponsor": bool(
            user is not None
            and user.is_authenticated
            and session is not None
            and session.get(SPONSOR_SESSION_KEY)
        ),
        "password_signin": settings.CHILDCOP_PASSWORD_SIGNIN,
        # the two-step sign-in pages tell people who must use it why (no query)
        "two_step_required": bool(user and permissions.requires_two_step(user)),
    }
