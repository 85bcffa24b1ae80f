"""The site's URLs plus /<lang>/bench/trivial/: an HttpResponse through the same middleware stack, against
which scripts/bench compares every page."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

from portal.urls import *  # noqa: F403 - the error handlers too
from portal.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*site_urlpatterns, *i18n_patterns(path("bench/trivial/", trivial, name="bench-trivial"))]
