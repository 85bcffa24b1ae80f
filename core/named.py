"""What regions, population groups and topics share: a slug for links, a name in both languages, an order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualMixin


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Named(BilingualMixin, models.Model):
    TRANSLATED_FIELDS = ("name",)

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in links; Latin letters, digits and hyphens."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SlugQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return self.localized("name").text or self.slug

    def natural_key(self):
        return (self.slug,)
