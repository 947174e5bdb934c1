from django.conf import settings

from childcop import permissions


def roles(request):
    user = getattr(request, "user", None)
    return {
        "is_program_admin": bool(user and permissions.is_program_admin(user)),
        "password_signin": settings.CHILDCOP_PASSWORD_SIGNIN,
        # the two-step sign-in pages tell people who must use it why (no query)
        "two_step_required": bool(user and permissions.requires_two_step(user)),
    }
