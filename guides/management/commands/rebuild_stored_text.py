from django.core.management import BaseCommand
from django.db import transaction

from core import content_version
from guides.models import FAQ, Guide
from guides.prerender import fill_answer_html, fill_body_html
from guides.search import fill_search_columns

DERIVED_PREFIXES = ("search_", "snippet_", "answer_html_", "body_html_", "headings_")


class Command(BaseCommand):
    help = ("Recompute what guides and questions store on save (searchable text, snippet text, rendered answers "
            "and guide bodies): run after upgrading the Markdown renderer or the stemmer.")

    def handle(self, *args, **options):
        for model in (Guide, FAQ):
            columns = [f.attname for f in model._meta.fields if f.name.startswith(DERIVED_PREFIXES)]
            with transaction.atomic():
                for row in model.objects.select_for_update():
                    fill_search_columns(model, row)
                    (fill_answer_html if model is FAQ else fill_body_html)(model, row)
                    # update(), not save(): no new version, no history record, no "last author" for a rebuild.
                    model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in columns})
            self.stdout.write(f"{model._meta.verbose_name_plural}: {model.objects.count()}")
        content_version.bump()  # update() sends no signal: what was kept from the old text is dropped now
