from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from guides.models import Topic


@require_GET
def home(request):
    topics = Topic.objects.with_published_guides()
    return render(request, "portal/home.html", {"topics": topics})


@require_GET
def robots_txt(request):
    body = render_to_string("portal/robots.txt", {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def server_error(request):
    # Rendered without context processors or database: whatever broke must not break the error page too.
    return HttpResponse(render_to_string("500.html"), status=500)
