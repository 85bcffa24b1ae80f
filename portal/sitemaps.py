from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from calculators.models import Region
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
