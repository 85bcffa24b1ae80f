# The search matches in process from an index kept per content version (guides.search) and asks the
# database only for rows by key, so the pg_trgm indexes of 0009 serve no query and only slow every save.
import importlib

from django.db import migrations

trigram = importlib.import_module("guides.migrations.0009_search_text_synonyms_and_stored_answers")


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0011_guide_body_rendered_on_save"),
    ]

    operations = [
        migrations.RunPython(trigram.drop_trigram_indexes, trigram.add_trigram_indexes),
    ]
