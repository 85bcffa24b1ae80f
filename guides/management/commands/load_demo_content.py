from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

# Topics before the guides and FAQs that belong to them; policy rules before the guides that embed their tables.
FIRST = ["topics.yaml", "rules.yaml"]


def fixture_files(directory):
    files = sorted(directory.glob("*.yaml"))
    first = [directory / name for name in FIRST if (directory / name).exists()]
    return first + [f for f in files if f not in first]


class Command(BaseCommand):
    help = "Load (or reload, without duplicates) the demo guides, FAQs and policy rules from fixtures/."

    def handle(self, *args, **options):
        files = fixture_files(Path(settings.BASE_DIR) / "fixtures")
        call_command("loaddata", *[str(f) for f in files], verbosity=options["verbosity"])
        # Fixtures load without history; a first version per object is the baseline that later
        # changes (and translation parity) are measured against.
        call_command("populate_history", auto=True, verbosity=0)
