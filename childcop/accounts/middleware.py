"""When the organisation's sign-in does not answer (its OpenID Connect discovery, keys or
token endpoint), the person reads so, with the way on, rather than a server error."""

import logging

import requests
from django.shortcuts import render

logger = logging.getLogger("childcop.sso")


class ProviderUnreachableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, requests.RequestException):
            return None
        logger.error("The organisation's sign-in did not answer: %s", exception)
        return render(request, "account/provider_unreachable.html", status=503)
