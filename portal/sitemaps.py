"""The sitemap: an index at /sitemap.xml and one sitemap per section, in pages of ``PAGE_SIZE`` addresses.

No response grows with the content: the index names one sitemap per section and page, and a page holds at most
``PAGE_SIZE`` addresses (each page in both languages, naming the other as its alternate), so a crawler fetches
bounded documents however many guides and regions editors add.

Invalidation rule: every response (the index and each section page) is kept in the shared cache under the
content version (any save, delete or fixture load of content is a new key), the scheme and host it was asked
on, its section and its page number; it expires when the next guide or question becomes visible by time (its
``publish_at`` or a guide's ``published_on`` day arriving) and after a day at most. Without a content version
it is built on every request.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index as index_view
from django.contrib.sitemaps.views import sitemap as section_view
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from calculators.models import Region
from core import content_version
from guides.models import FAQ, Guide, Topic, next_visible_moment

# Addresses per sitemap page: each page of the site is two addresses (one per language). Search engines take up
# to 50,000; 500 keeps a page near 200 KB, quick to build and to send.
PAGE_SIZE = 500


class BilingualSitemap(Sitemap):
    """Every page in both languages, each naming the other as its alternate."""

    i18n = True
    alternates = True
    x_default = True
    limit = PAGE_SIZE


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
        return Guide.objects.published().only("slug", "updated_on").order_by("slug")

    def lastmod(self, guide):
        return guide.updated_on

    def get_latest_lastmod(self):
        return Guide.objects.published().aggregate(latest=Max("updated_on"))["latest"]


class FaqTopicSitemap(BilingualSitemap):
    """The first page of every topic's questions (the later pages are linked from it)."""

    changefreq = "weekly"

    def items(self):
        return Topic.objects.filter(pk__in=FAQ.objects.published().values("topic")).only("slug").order_by("slug")

    def location(self, topic):
        return reverse("guides:faq_topic", args=[topic.slug])


class RegionSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return Region.objects.only("slug").order_by("slug")

    def location(self, region):
        return reverse("regions:detail", args=[region.slug])


SITEMAPS = {"pages": StaticPagesSitemap, "guides": GuideSitemap, "faq": FaqTopicSitemap, "regions": RegionSitemap}


KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Last-Modified")
MAX_LIFETIME = 24 * 3600


def _kept_response(request, name, draw):
    """``draw()``'s response, kept per content version, scheme and host (see the module's invalidation rule)."""

    def drawn():
        response = draw()
        response.render()
        return response.content, {header: response[header] for header in KEPT_HEADERS if response.has_header(header)}

    body, headers = content_version.kept(f"sitemap:{request.scheme}:{request.get_host()}:{name}", drawn,
                                         MAX_LIFETIME, until=next_visible_moment)
    response = HttpResponse(body)
    for header, value in headers.items():
        response[header] = value
    return response


@require_GET
def sitemap_index(request):
    """The index: one sitemap per section, and one address per further page of a long section."""
    return _kept_response(request, "index",
                          lambda: index_view(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section"))


@require_GET
def sitemap_section(request, section):
    """One page (``?p=``, from 1) of one section's sitemap; an unknown section or page is a 404."""
    page = request.GET.get("p", "1")
    if section not in SITEMAPS or not page.isascii() or not page.isdigit():
        raise Http404("No such sitemap")
    return _kept_response(request, f"{section}:{int(page)}",
                          lambda: section_view(request, sitemaps=SITEMAPS, section=section))
