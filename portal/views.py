import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core import content_version, outage
from guides.models import Topic, next_visible_moment

logger = logging.getLogger(__name__)


# The home page stays short however many guides there are: the rest are one link away, on the guides page.
HOME_GUIDES_PER_TOPIC = 5
HOME_SECONDS = 24 * 3600


@require_GET
def home(request):
    # Kept per content version: counting each topic's guides reads every guide, which grows with the content.
    topics = content_version.kept("home-topics", lambda: list(
        Topic.objects.with_published_guides(first=HOME_GUIDES_PER_TOPIC)), HOME_SECONDS, until=next_visible_moment)
    return render(request, "portal/home.html", {"topics": topics})


@require_GET
def robots_txt(request):
    body = render_to_string("portal/robots.txt", {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it does not. The body names what failed.

    The shared cache is reported but never fails the check: without it the site serves, only slower.
    """
    checks, healthy = {}, True
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure to answer is "down" for a load balancer
        checks["database"] = f"unavailable ({type(error).__name__})"
        healthy = False
    ping = getattr(cache, "ping", None)
    if ping is None:
        checks["cache"] = "ok (local memory)"
    else:
        try:
            ping()
            checks["cache"] = "ok"
        except Exception as error:
            checks["cache"] = f"unavailable ({type(error).__name__}); serving without it (degraded)"
    response = JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                            status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the admin's page, in the editor's language, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "admin/locked_out.html", {"minutes": minutes, "title": ""}, status=429)


# Error handlers. None of them reads the request body, the session or the database: a request that broke
# any of those still gets a page, in the language of its URL (else of its Accept-Language).

def _error(request, status, title, message):
    language = outage.visitor_language(request)
    with translation.override(language):
        body = outage.error_page(language, str(title), str(message))
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    return response


def bad_request(request, exception):
    return _error(request, 400, gettext_lazy("Bad request"),
                  gettext_lazy("We could not read this request. Please go back and try again."))


def permission_denied(request, exception):
    return _error(request, 403, gettext_lazy("Not allowed"), gettext_lazy("You may not open this page."))


def page_not_found(request, exception):
    # The friendly page (navigation, search box) needs only the path and the language, never the body.
    language = outage.visitor_language(request)
    with translation.override(language):
        return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors or database: whatever broke must not break the error page too.
    if outage.is_database_unavailable(sys.exc_info()[1]):
        return outage.unavailable(request)
    language = outage.visitor_language(request)
    with translation.override(language):
        return HttpResponse(render_to_string("500.html"), status=500)
