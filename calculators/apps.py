from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "calculators"
    verbose_name = _("Calculators and policy rules")

    def ready(self):
        from calculators import searchable, tables  # noqa: F401  (tables registers the guide embeds)
        from core import content_version

        content_version.connect()
        searchable.register()
