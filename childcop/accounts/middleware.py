"""When the organisation's sign-in does not answer (its OpenID Connect discovery, keys or
token endpoint, or its SAML metadata), the person reads so, with the way on, rather than a
server error."""

import logging

import requests
from django.shortcuts import render

logger = logging.getLogger("childcop.sso")


def provider_unreachable(request, exception) -> bool:
    if isinstance(exception, requests.RequestException):
        return True
    # python3-saml reads the identity provider's metadata with urllib: its failures to connect
    # (URLError, timeouts) are OSErrors. Only on the SAML views, where nothing else connects.
    match = request.resolver_match
    return bool(isinstance(exception, OSError) and match and match.url_name.startswith("saml_"))


class ProviderUnreachableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not provider_unreachable(request, exception):
            return None
        logger.error("The organisation's sign-in did not answer: %s", exception)
        return render(request, "account/provider_unreachable.html", status=503)
