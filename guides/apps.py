from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "guides"
    verbose_name = _("Guides and FAQs")

    def ready(self):
        from guides.models import FAQ, Guide
        from guides.prerender import fill_answer_html, fill_body_html
        from guides.search import fill_search_columns

        pre_save.connect(fill_search_columns, sender=Guide, dispatch_uid="guide-search-columns")
        pre_save.connect(fill_search_columns, sender=FAQ, dispatch_uid="faq-search-columns")
        pre_save.connect(fill_answer_html, sender=FAQ, dispatch_uid="faq-answer-html")
        pre_save.connect(fill_body_html, sender=Guide, dispatch_uid="guide-body-html")

        from guides import admin_synonyms  # noqa: F401  (registers the synonym list in admin)

        from core import content_version, response_cache
        from guides import reads

        content_version.connect()
        response_cache.on_hit(reads.READ, reads.record_read)

        from guides.revisions import forget_next_due

        for model in (Guide, FAQ):
            post_save.connect(forget_next_due, sender=model, dispatch_uid=f"saved-{model.__name__}-next-due")
            post_delete.connect(forget_next_due, sender=model, dispatch_uid=f"deleted-{model.__name__}-next-due")

        from core.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="sync-editorial-roles")
