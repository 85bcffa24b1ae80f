"""Which address a request comes from, for the flood limit and the login throttle."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The reader's IP address: from ``CLIENT_IP_HEADER`` when the site runs behind a proxy that sets it, and only
    from there; otherwise the connection's address. A header that is not one valid address is ignored."""
    if settings.CLIENT_IP_HEADER:
        name = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        value = request.META.get(name, "").strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "unknown"
