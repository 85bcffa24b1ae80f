from django.core.management import BaseCommand, CommandError, call_command

from core.content_transfer import CONTENT_APPS


class Command(BaseCommand):
    help = ("Write every guide, FAQ, topic, rule and their histories as one YAML fixture, with people named by "
            "user name, for import_content into another (or a fresh) database.")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The file to write (ending in .yaml).")

    def handle(self, *args, output, **options):
        if not output.endswith(".yaml"):
            raise CommandError("Name the file something.yaml.")
        # YAML, not JSON: Django's JSON cuts times to milliseconds, and the history's times must survive exactly.
        # Primary keys are kept (history rows point at their objects by id); users by natural key (user name),
        # since user ids differ between databases.
        call_command("dumpdata", *CONTENT_APPS, format="yaml", natural_foreign=True, output=output, verbosity=0)
        self.stdout.write(f"Content written to {output}.")
