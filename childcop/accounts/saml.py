"""Single sign-on through SAML 2.0: allauth's SAML provider (python3-saml checks the
signature, audience, recipient and validity of the identity provider's answer), taking the
address the organisation's identity provider asserts as verified when the configuration says
so (CHILDCOP_SAML_EMAIL_VERIFIED): SAML has no standard attribute that says it, and an
unverified address would match nobody and let nobody in."""

from allauth.socialaccount.providers.saml.provider import SAMLProvider


class OrganisationSAMLProvider(SAMLProvider):
    package = "allauth.socialaccount.providers.saml"  # its addresses and views are allauth's

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        if (
            fields.get("email")
            and "email_verified" not in fields  # an explicit attribute's word stands
            and self.app.settings.get("email_verified")
        ):
            fields["email_verified"] = True
        return fields
