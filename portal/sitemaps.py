"""The sitemap: every public page in both languages, kept per content version.

Invalidation rule: the rendered sitemap is kept in the shared cache under the content version (any save,
delete or fixture load of content is a new key) and the host it was asked on, and expires when the next
guide or question becomes visible by time (its ``publish_at`` or a guide's ``published_on`` day
arriving) and after a day at most; without a content version it is built on every request.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from calculators.models import Region
from core import content_version
from core.dates import CHINA
from core.workflow import Status
from guides.models import FAQ, Guide, Topic


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


def next_visible_moment(now):
    """When the next guide or question that is published but not yet visible becomes visible (None: none)."""
    moments = [model.objects.filter(status=Status.PUBLISHED, publish_at__gt=now)
               .aggregate(first=Min("publish_at"))["first"] for model in (Guide, FAQ)]
    day = Guide.objects.filter(status=Status.PUBLISHED, published_on__gt=timezone.localdate(now)) \
        .aggregate(first=Min("published_on"))["first"]
    if day is not None:
        moments.append(datetime.datetime.combine(day, datetime.time.min, tzinfo=CHINA))
    return min((moment for moment in moments if moment is not None), default=None)


@require_GET
def sitemap(request):
    version = content_version.current()
    key = f"sitemap:{version}:{request.scheme}:{request.get_host()}"
    kept = cache.get(key) if version is not None else None
    if kept is not None:
        body, headers = kept
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        return response
    now = timezone.now()
    response = sitemap_view(request, sitemaps=SITEMAPS)
    response.render()
    if version is not None and response.status_code == 200:
        moment = next_visible_moment(now)
        lifetime = MAX_LIFETIME if moment is None else \
            max(1, min(MAX_LIFETIME, int((moment - now).total_seconds())))
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        cache.set(key, (response.content, headers), lifetime)
    return response
