"""``manage.py load_demo_content [--reset]``: the demo guides, FAQs and policy rules from fixtures/.

Loading again adds the rows that are new in the fixtures and brings the others up to the fixtures'
text, without duplicates (fixtures use natural keys), and never overwrites an editor's work. Every
row the command writes gets a history entry with the change reason ``DEMO_CONTENT``: that entry is
the record of what the command last wrote. A row is kept as it is, and reported, when

* someone saved it after the command did (a newer history entry), or
* it no longer matches the command's last entry (a change that left no history), or
* the command has no entry for it (created here, or loaded by an older version) and it differs
  from the fixture, or
* it was deleted (a deletion in its history): it is not brought back, nor are rows that belong to it.

``--reset`` writes every fixture row over what is there, each with a history entry. A fixture row is
the fixture's fields plus the model's defaults for the fields it leaves out.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import BaseCommand
from django.core.management.base import no_translations
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.parity import DEMO_CONTENT

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Topics before the guides and FAQs that belong to them; policy rules before the guides that embed their tables.
FIRST = ["topics.yaml", "rules.yaml"]


def fixture_files(directory):
    files = sorted(directory.glob("*.yaml"))
    first = [directory / name for name in FIRST if (directory / name).exists()]
    return first + [f for f in files if f not in first]


def describe(obj, key=None):
    key = obj.natural_key() if key is None else key
    return f"{obj._meta.verbose_name} {'/'.join(str(part) for part in key)}"


def database_description(connection):
    config = connection.settings_dict
    name = str(config["NAME"])
    if connection.vendor == "sqlite":
        path = Path(name)
        if path.is_absolute() and path.is_relative_to(settings.BASE_DIR):
            name = str(path.relative_to(settings.BASE_DIR))
        return f"{connection.display_name} {name}"
    place = ":".join(str(part) for part in (config.get("HOST") or "localhost", config.get("PORT")) if part)
    return f"{connection.display_name} {name} on {place}"


def when(record):
    return timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")


def editable_values(obj, model):
    """What an editor can change in a row of ``model``; ``obj`` is the row or one of its history entries."""
    fields = [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    return {f.attname: getattr(obj, f.attname) for f in fields}


@dataclass
class Kept:
    description: str
    why: str
    deleted_key: tuple = ()
    left_out: int = 0  # fixture rows that belong to a deleted row


class History:
    """One model's history, read once: each row's newest entry and the command's newest entry, and
    the natural keys of deleted rows."""

    def __init__(self, model, database):
        self.newest, self.newest_loaded = {}, {}
        self._records = model.history.using(database).order_by("-history_date", "-history_id")
        for record in self._records.exclude(history_type="-"):
            self.newest.setdefault(record.id, record)
            if record.history_change_reason == DEMO_CONTENT:
                self.newest_loaded.setdefault(record.id, record)
        self._deleted = None

    def deletion(self, key):
        if self._deleted is None:
            self._deleted = {}
            for record in self._records.filter(history_type="-"):
                try:
                    self._deleted.setdefault(tuple(record.instance.natural_key()), record)
                except ObjectDoesNotExist:  # whatever it belonged to is gone too
                    pass
        return self._deleted.get(tuple(key))


class Command(BaseCommand):
    help = ("Load the demo guides, FAQs and policy rules from fixtures/, or bring them up to date without "
            "duplicates; rows changed since they were loaded are kept and listed.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Also replace the rows changed since they were loaded (each with a history entry).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @no_translations
    def handle(self, *args, reset=False, database=DEFAULT_DB_ALIAS, verbosity=1, **options):
        self.reset, self.database, self.verbosity = reset, database, verbosity
        self.histories = {}
        self.counts = {"added": 0, "updated": 0, "unchanged": 0}
        self.kept = []
        connection = connections[database]
        if verbosity:
            self.stdout.write(_("Loading the demo content into %(database)s.")
                              % {"database": database_description(connection)})
        with transaction.atomic(using=database):
            for path in fixture_files(FIXTURES):
                with open(path, encoding="utf-8") as stream:
                    for item in yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []:
                        self.load(item)
        if verbosity:
            self.report()

    def load(self, item):
        try:
            [loaded] = serializers.deserialize("python", [item], using=self.database)
        except DeserializationError:
            # A row of a deleted guide (or region...) cannot be built: it is left out with that row.
            parent = self.deleted_parent(item)
            if parent is None:
                raise
            parent.left_out += 1
            return
        obj = loaded.object
        model = type(obj)
        if model not in self.histories:
            self.histories[model] = History(model, self.database)
        history = self.histories[model]
        if obj.pk is None:
            key = obj.natural_key()
            deletion = None if self.reset else history.deletion(key)
            if deletion is not None:
                self.kept.append(Kept(describe(obj, key), self.deleted_by(deletion), deleted_key=tuple(key)))
                return
            self.write(loaded, "added")
            return
        current = model._base_manager.using(self.database).get(pk=obj.pk)
        same = self.same(current, loaded)
        newest, loaded_last = history.newest.get(obj.pk), history.newest_loaded.get(obj.pk)
        if not self.reset:
            why = None
            if loaded_last is None:
                if not same:
                    why = _("no record that this command loaded it (created here, or loaded by an older "
                            "version)")
            elif newest is not loaded_last:
                why = self.saved_by(newest)
            elif editable_values(current, model) != editable_values(loaded_last, model):
                why = _("changed without a history entry")
            if why:
                self.kept.append(Kept(describe(current), why))
                return
        if same and loaded_last is not None and newest is loaded_last:
            self.counts["unchanged"] += 1
            return
        # A row the command has no record of, but that matches the fixture, is adopted (its entry written).
        self.write(loaded, "unchanged" if same else "updated")

    def same(self, current, loaded):
        if editable_values(current, type(current)) != editable_values(loaded.object, type(current)):
            return False
        return all(set(getattr(current, name).values_list("pk", flat=True)) == set(pks)
                   for name, pks in (loaded.m2m_data or {}).items())

    def write(self, loaded, outcome):
        obj = loaded.object
        obj._change_reason = DEMO_CONTENT
        obj.save(using=self.database)
        for name, pks in (loaded.m2m_data or {}).items():
            getattr(obj, name).set(pks)
        self.counts[outcome] += 1
        if self.verbosity >= 2 and outcome != "unchanged":
            self.stdout.write(f"  {outcome}: {describe(obj)}")

    def deleted_parent(self, item):
        """The kept deletion this fixture item refers to (natural keys of the rows that belong to another
        start with that row's key: a source with its guide's slug, a band with its rule's key...)."""
        references = [value for value in item["fields"].values() if isinstance(value, list)]
        for kept in self.kept:
            if kept.deleted_key and any(tuple(value[:len(kept.deleted_key)]) == kept.deleted_key
                                        for value in references):
                return kept
        return None

    def saved_by(self, record):
        if record.history_user is not None:
            return _("saved by %(user)s on %(date)s") % {"user": record.history_user, "date": when(record)}
        return _("saved on %(date)s") % {"date": when(record)}

    def deleted_by(self, record):
        if record.history_user is not None:
            return _("deleted by %(user)s on %(date)s") % {"user": record.history_user, "date": when(record)}
        return _("deleted on %(date)s") % {"date": when(record)}

    def report(self):
        self.stdout.write(_("Demo content: %(added)s added, %(updated)s updated, %(unchanged)s unchanged, "
                            "%(kept)s kept.") % {**self.counts, "kept": len(self.kept)})
        if self.kept:
            self.stdout.write(self.style.WARNING(_(
                "Kept as they are (manage.py load_demo_content --reset replaces them with the demo "
                "content):")))
            for kept in self.kept:
                line = f"  {kept.description}: {kept.why}"
                if kept.left_out:
                    line += " " + ngettext("(%(count)s row that belongs to it is left out too)",
                                           "(%(count)s rows that belong to it are left out too)",
                                           kept.left_out) % {"count": kept.left_out}
                self.stdout.write(line)
