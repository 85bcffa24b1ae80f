"""The sitemap: every public page in both languages, kept per content version.

Invalidation rule: the rendered sitemap is kept in the shared cache under the content version (any save,
delete or fixture load of content is a new key) and the host it was asked on, and expires when the next
guide or question becomes visible by time (its ``publish_at`` or a guide's ``published_on`` day
arriving) and after a day at most; without a content version it is built on every request.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from calculators.models import Region
from core import content_version
from guides.models import FAQ, Guide, Topic, next_visible_moment


class BilingualSitemap(Sitemap):
    """Every page in both languages, each naming the other as its alternate."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "guides:index", "guides:faq", "calculators:index", "calculators:reimbursement",
                "calculators:deadline", "calculators:contribution", "regions:index"]

    def location(self, item):
        return reverse(item)


class GuideSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("slug")

    def lastmod(self, guide):
        return guide.updated_on


class FaqTopicSitemap(BilingualSitemap):
    """The first page of every topic's questions (the later pages are linked from it)."""

    changefreq = "weekly"

    def items(self):
        return Topic.objects.filter(pk__in=FAQ.objects.published().values("topic")).order_by("slug")

    def location(self, topic):
        return reverse("guides:faq_topic", args=[topic.slug])


class RegionSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return Region.objects.order_by("slug")

    def location(self, region):
        return reverse("regions:detail", args=[region.slug])


SITEMAPS = {"pages": StaticPagesSitemap, "guides": GuideSitemap, "faq": FaqTopicSitemap, "regions": RegionSitemap}


KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Last-Modified")
MAX_LIFETIME = 24 * 3600


@require_GET
def sitemap(request):
    """The sitemap, kept per content version, scheme and host until the next guide or question goes live."""
    if request.GET:  # another page of it (never more than one today): drawn as asked, not kept
        return sitemap_view(request, sitemaps=SITEMAPS)

    def drawn():
        response = sitemap_view(request, sitemaps=SITEMAPS)
        response.render()
        return response.content, {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}

    body, headers = content_version.kept(f"sitemap:{request.scheme}:{request.get_host()}", drawn, MAX_LIFETIME,
                                         until=next_visible_moment)
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response
