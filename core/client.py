"""Which address a request comes from, for the flood limit and the login throttle."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The reader's IP address: from ``CLIENT_IP_HEADER`` when the site runs behind a proxy that sets it, and only
    from there; otherwise the connection's address. A header that is not one valid address is ignored; None when
    there is no valid address at all (a request made up in code)."""
    if settings.CLIENT_IP_HEADER:
        found = valid_address(request.META.get("HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")))
        if found:
            return found
    return valid_address(request.META.get("REMOTE_ADDR"))


def valid_address(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
