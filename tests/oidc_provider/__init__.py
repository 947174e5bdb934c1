"""An OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a Django
process of its own, standing for the organisation's Entra ID, Okta or Keycloak.

`python -m tests.oidc_provider` reads OIDC_PROVIDER_* from the environment: the port, a
folder for its database, the client (id, secret, redirect URI) and the people (JSON: email,
name, password, email_verified), creates them, and serves until it is stopped."""
