"""Request hygiene that every view relies on, done once at the edge of the site."""

import re

from django.conf import settings
from django.http import QueryDict

# C0 control characters and DEL, except tab, line feed and carriage return. NUL in particular cannot be stored
# or even compared in PostgreSQL text: a query with it raises DataError.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value)


class StripControlCharactersMiddleware:
    """Removes control characters from every query-string name and value, so no view or form ever sees one.

    Form posts are not touched here (that would parse every body before the view asks for it): public posts
    clean their own fields (``guides.feedback``), and Django's form fields refuse NUL in the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if any(CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
               for key, values in query.lists()):
            cleaned = QueryDict(mutable=True)
            for key, values in query.lists():
                cleaned.setlist(strip_control_characters(key), [strip_control_characters(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The security headers Django does not set itself, on every response (static files included)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {"Permissions-Policy": settings.PERMISSIONS_POLICY,
                        "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY}

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        return response
