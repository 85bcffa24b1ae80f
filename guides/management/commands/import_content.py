from django.core.management import BaseCommand, call_command
from django.db import transaction

from core.content_transfer import ensure_users


class Command(BaseCommand):
    help = ("Load a file written by export_content. People it names who have no account here get an inactive "
            "one without a password, so history and authorship keep their names; nobody can log in as them.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file export_content wrote.")

    def handle(self, *args, path, **options):
        with transaction.atomic():
            created = ensure_users(path)
            call_command("loaddata", path, verbosity=0)
        self.stdout.write(f"Content loaded from {path}; {len(created)} inactive account(s) made for its authors.")
