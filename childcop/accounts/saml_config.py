"""The SAML 2.0 single sign-on app allauth reads (SOCIALACCOUNT_PROVIDERS["saml"]["APPS"]),
made from CHILDCOP_SAML_* in childcop/settings.py. Plain Python: the settings import it."""

from django.core.exceptions import ImproperlyConfigured

# In this site's SAML addresses: /accounts/saml/organisation/login/, .../acs/, .../metadata/.
SLUG = "organisation"

# The attributes read for each field, the first one present winning: Microsoft Entra ID's
# claims, the standard OIDs (Shibboleth, ADFS), then Okta's and Keycloak's usual names.
# Without an email attribute, a NameID in the emailAddress format is the address (allauth).
DEFAULT_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],  # else the NameID
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "email",
        "mail",
    ],
    "email_verified": ["email_verified", "http://schemas.auth0.com/email_verified"],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "firstName",
        "givenName",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "lastName",
        "sn",
    ],
    "name": [
        "http://schemas.microsoft.com/identity/claims/displayname",
        "urn:oid:2.16.840.1.113730.3.1.241",
        "displayName",
        "name",
    ],
}


def saml_apps(
    *,
    idp_entity_id: str,
    idp_metadata_url: str = "",
    idp_sso_url: str = "",
    idp_x509_cert: str = "",
    sp_entity_id: str = "",
    button: str,
    email_verified: bool = True,
    attributes: dict[str, list[str]] | None = None,
) -> list[dict]:
    """No app without an identity provider; one, told by its metadata URL or by its sign-in
    URL and signing certificate."""
    if not idp_entity_id:
        if idp_metadata_url or idp_sso_url or idp_x509_cert:
            raise ImproperlyConfigured(
                "SAML: set CHILDCOP_SAML_IDP_ENTITY_ID, the identity provider's entity ID."
            )
        return []
    if idp_metadata_url:
        idp = {"entity_id": idp_entity_id, "metadata_url": idp_metadata_url}
    elif idp_sso_url and idp_x509_cert:
        idp = {"entity_id": idp_entity_id, "sso_url": idp_sso_url, "x509cert": idp_x509_cert}
    else:
        raise ImproperlyConfigured(
            "SAML: set CHILDCOP_SAML_IDP_METADATA_URL, or both CHILDCOP_SAML_IDP_SSO_URL and "
            "CHILDCOP_SAML_IDP_X509_CERT."
        )
    mapping = {**DEFAULT_ATTRIBUTES, **{k: v for k, v in (attributes or {}).items() if v}}
    return [
        {
            "name": button,
            "client_id": SLUG,
            "settings": {
                "idp": idp,
                # By default this site's entity ID is its metadata address.
                "sp": {"entity_id": sp_entity_id} if sp_entity_id else {},
                "attribute_mapping": mapping,
                # Ours (childcop.accounts.saml): the asserted address counts as verified.
                "email_verified": email_verified,
            },
        }
    ]
