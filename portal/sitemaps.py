from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from guides.models import Guide


class StaticPagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["home", "guides:index", "guides:faq"]

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


SITEMAPS = {"pages": StaticPagesSitemap, "guides": GuideSitemap}
