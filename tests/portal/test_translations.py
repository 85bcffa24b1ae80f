"""A missing translation is a bug: both catalogues must translate every interface string."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = {code: Path(settings.BASE_DIR) / "locale" / folder / "LC_MESSAGES" / "django.po"
              for code, folder in [("zh-hans", "zh_Hans"), ("ru", "ru")]}


def entries(path):
    """(flags, msgid, [msgstr...]) for every entry after the header."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, parts = None, {}
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        yield flags, parts.get("msgid", ""), [v for k, v in parts.items() if k.startswith("msgstr")]


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_string_is_translated(language):
    untranslated = [msgid for flags, msgid, strs in entries(CATALOGUES[language]) if not all(strs)]
    assert untranslated == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_no_translation_is_a_fuzzy_guess(language):
    fuzzy = [msgid for flags, msgid, strs in entries(CATALOGUES[language]) if "fuzzy" in flags]
    assert fuzzy == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_placeholders_survive_translation(language):
    for flags, msgid, strs in entries(CATALOGUES[language]):
        wanted = set(re.findall(r"%\(\w+\)[sd]", msgid))
        for translated in strs:
            assert set(re.findall(r"%\(\w+\)[sd]", translated)) <= wanted | {"%(counter)s"}, msgid
