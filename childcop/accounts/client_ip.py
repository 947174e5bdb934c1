"""The address a request comes from, as sign-in limits see it.

Behind a reverse proxy every request arrives from the proxy's address; the person's own
address is in `X-Forwarded-For`. That header is only believed when the request comes from
a proxy the organisation runs (`CHILDCOP_TRUSTED_PROXIES`: addresses or networks, none by
default): the header is read from its end, skipping trusted proxies, and the first address
that is not one of them is the person's. Anyone else may write what they like in it, so
without trusted proxies, or from any other address, the connection's own address counts.
"""

import ipaddress

from django.conf import settings


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(
        address in network for network in settings.CHILDCOP_TRUSTED_PROXIES
    )


def client_ip(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not _trusted(remote):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # what the proxy wrote is not an address: the proxy is the client
            return str(nearest)
        if not _trusted(address):
            return str(address)
        nearest = address
    return str(nearest)
