"""Where the login page's single sign-on buttons lead. Each button posts to this site, which
answers with a redirect to the organisation's sign-in; browsers hold that redirect to the
page's Content-Security-Policy `form-action` (Chromium refuses it with `form-action 'self'`
alone), so the policy names these origins too (childcop.middleware.SecurityHeadersMiddleware).

The origin of the OpenID Connect issuer (where its authorization endpoint lives at Entra ID,
Google, Okta and Keycloak), and of the SAML identity provider's sign-in URL, or of its
metadata URL when only that is configured."""

from urllib.parse import urlsplit

from django.conf import settings


def origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def signin_origins() -> list[str]:
    providers = settings.SOCIALACCOUNT_PROVIDERS
    urls = [
        app.get("settings", {}).get("server_url", "")
        for app in providers.get("openid_connect", {}).get("APPS", [])
    ]
    for app in providers.get("saml", {}).get("APPS", []):
        idp = app.get("settings", {}).get("idp", {})
        urls.append(idp.get("sso_url") or idp.get("metadata_url") or "")
    return list(dict.fromkeys(o for o in map(origin, urls) if o))
