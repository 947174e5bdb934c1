"""The OpenAPI schema (drf-spectacular): the bearer token as its security scheme, and the
schema itself, generated once per process for the documentation page."""

from __future__ import annotations

import functools

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "childcop.api.auth.BearerTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, created on your profile (Your API tokens).",
        }


@functools.cache
def openapi_schema() -> dict:
    """The API's schema, as /api/v1/schema/ serves it (it depends on the code only)."""
    return SchemaGenerator().get_schema(request=None, public=True)
