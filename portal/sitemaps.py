from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from calculators.models import Region
from guides.models import Guide


class StaticPagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["home", "guides:index", "guides:faq", "calculators:index", "calculators:reimbursement",
                "calculators:deadline", "calculators:contribution", "regions:index"]

    def location(self, item):
        return reverse(item)


class GuideSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("slug")

    def lastmod(self, guide):
        return guide.updated_on


class RegionSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return Region.objects.order_by("slug")

    def location(self, region):
        return reverse("regions:detail", args=[region.slug])


SITEMAPS = {"pages": StaticPagesSitemap, "guides": GuideSitemap, "regions": RegionSitemap}
