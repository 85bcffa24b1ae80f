"""When the database is down: a clear 503 in the visitor's language, built without the database.

Any view or middleware that needs the database raises ``OperationalError``/``InterfaceError``
when it cannot be reached; Django hands such an uncaught error to ``handler500``
(``portal.views.server_error``), which answers with ``unavailable`` instead of a 500. Nothing
on this path reads the session, the user or the request body: the language comes from the
URL prefix, else from Accept-Language.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    return isinstance(error, (OperationalError, InterfaceError))


def visitor_language(request):
    supported = dict(settings.LANGUAGES)
    from_path = translation.get_language_from_path(request.path_info)
    if from_path in supported:
        return from_path
    for accepted, _quality in translation.trans_real.parse_accept_lang_header(
            request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def wants_json(request):
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_page(language, title, message):
    """A whole error page in ``language``, rendered from nothing but these three strings."""
    return render_to_string("error.html", {"title": title, "message": message, "language": language,
                                           "html_lang": "ru" if language == "ru" else "zh-Hans"})


def unavailable(request):
    """503 with Retry-After: a page, or ``{"error": ...}`` for a client that asked for JSON."""
    language = visitor_language(request)
    with translation.override(language):
        message = _("The site is briefly unavailable for maintenance or a fault. Please try again in a minute.")
        if wants_json(request):
            response = JsonResponse({"error": "unavailable", "message": message,
                                     "retry_after": RETRY_AFTER_SECONDS}, status=503,
                                    json_dumps_params={"ensure_ascii": False})
        else:
            response = HttpResponse(error_page(language, _("Temporarily unavailable"), message), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Accept", "Accept-Language"])
    return response
