from .services import client_address, current_address


class AuditAddressMiddleware:
    """Make the request's address known to `audit.record` for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_address.reset(token)
