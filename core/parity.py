"""Translation parity: which texts are missing a language, and which translation is older than its original.

Staleness is read from the change history (django-simple-history): when a
save changes one language only, the other "needs update" until an editor
updates it or confirms it (a history record whose change reason is
``CONFIRMED``).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from core.bilingual import FIELD_SUFFIX

CONFIRMED = "translation-confirmed"
# Written by ``manage.py load_demo_content``: the fixtures hold both languages, written together.
DEMO_CONTENT = "demo-content"
LANGUAGES = tuple(FIELD_SUFFIX)  # ("zh-hans", "ru")


@dataclass
class Parity:
    obj: object
    missing: list = field(default_factory=list)  # language codes with an empty text the other side has
    stale: list = field(default_factory=list)  # language codes whose texts are older than the other side's

    @property
    def ok(self):
        return not self.missing and not self.stale

    @property
    def admin_url(self):
        meta = self.obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.obj.pk])


def _texts(record, names, language):
    suffix = FIELD_SUFFIX[language]
    return tuple((getattr(record, f"{name}_{suffix}", "") or "").strip() for name in names)


def missing_languages(obj, names):
    missing = []
    for language in LANGUAGES:
        other = "ru" if language == "zh-hans" else "zh-hans"
        if any(not mine and theirs for mine, theirs in zip(_texts(obj, names, language), _texts(obj, names, other))):
            missing.append(language)
    return missing


def stale_languages_from(records, names):
    """Languages left behind, replaying the history oldest first.

    A save that changes one side only makes the other side need an update, unless that save was
    itself the update the side was waiting for. Changing both sides, confirming, or loading the demo
    content clears both.
    """
    stale, previous = set(), None
    for record in records:
        if previous is None or record.history_change_reason in (CONFIRMED, DEMO_CONTENT):
            stale = set()
        else:
            changed = {language for language in LANGUAGES
                       if _texts(record, names, language) != _texts(previous, names, language)}
            if len(changed) == len(LANGUAGES):
                stale = set()
            elif changed:
                [side] = changed
                if side in stale:
                    stale.discard(side)
                else:
                    stale = set(LANGUAGES) - changed
        previous = record
    return [language for language in LANGUAGES if language in stale]


def parity_of(objects, names):
    objects = list(objects)
    if not objects:
        return []
    model = type(objects[0])
    records = defaultdict(list)
    history = model.history.filter(id__in=[o.pk for o in objects]).order_by("history_date", "history_id")
    for record in history:
        records[record.id].append(record)
    result = []
    for obj in objects:
        result.append(Parity(obj, missing_languages(obj, names), stale_languages_from(records[obj.pk], names)))
    return result


def stale_for_reader(obj, names, language, records=None):
    """True when the reader's language of ``obj`` is older than the other language's.

    ``records``: ``obj``'s history oldest first, when the caller has it already.
    """
    if records is None:
        return language in parity_of([obj], names)[0].stale
    return language in stale_languages_from(records, names)
