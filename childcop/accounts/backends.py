"""Password sign-in, refused while it is off (CHILDCOP_PASSWORD_SIGNIN=0) for everyone but
break-glass accounts. Only `authenticate` refuses: a person signed in through the
organisation's provider keeps their session (`get_user` is untouched). A refused password
answers like a wrong one, so it tells nobody whether it was right."""

from allauth.account import auth_backends
from django.conf import settings
from django.contrib.auth import backends


def password_signin_allowed(user) -> bool:
    return settings.CHILDCOP_PASSWORD_SIGNIN or user.break_glass


class PasswordSignInSwitch:
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not password_signin_allowed(user):
            return None
        return user


class ModelBackend(PasswordSignInSwitch, backends.ModelBackend):
    pass


class AuthenticationBackend(PasswordSignInSwitch, auth_backends.AuthenticationBackend):
    pass
