"""Texts that exist in Chinese and in Russian.

Every editable text is stored twice, as ``<name>_zh`` and ``<name>_ru``.
Readers get their own language where it exists and the other one, marked,
where it does not: a fallback is never silent and never blank.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

# Django language code -> field suffix, and the order in which to fall back.
FIELD_SUFFIX = {"zh-hans": "zh", "ru": "ru"}
HTML_LANG = {"zh-hans": "zh-Hans", "ru": "ru"}


def script_language(text):
    """The HTML language a text is written in, by its script: "ru", "zh-Hans", or "" (neither).

    Cyrillic first: a Russian text often quotes a Chinese document number, a Chinese text never has Cyrillic.
    """
    if any("\u0400" <= char <= "\u04ff" for char in text):
        return "ru"
    if any("\u4e00" <= char <= "\u9fff" for char in text):
        return "zh-Hans"
    return ""


def current_language():
    code = (get_language() or "zh-hans").lower()
    return code if code in FIELD_SUFFIX else "zh-hans"


def other_language(code):
    return "ru" if code == "zh-hans" else "zh-hans"


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str  # the Django language code the text is really written in
    is_fallback: bool

    @property
    def html_lang(self):
        return HTML_LANG[self.language]

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


class BilingualMixin:
    """Gives a model with ``<name>_zh`` / ``<name>_ru`` fields a language-aware reader."""

    def localized(self, name, language=None):
        language = language or current_language()
        for code in (language, other_language(language)):
            value = getattr(self, f"{name}_{FIELD_SUFFIX[code]}", "") or ""
            if value.strip():
                return LocalizedText(value, code, code != language)
        return LocalizedText("", language, False)

    def __getattr__(self, attr):
        # Templates cannot pass arguments: {{ guide.localized_title }} is guide.localized("title").
        if attr.startswith("localized_"):
            name = attr[10:]
            if hasattr(type(self), f"{name}_zh") or f"{name}_zh" in getattr(self, "__dict__", {}):
                return self.localized(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")

    def has_language(self, language, names):
        suffix = FIELD_SUFFIX[language]
        return all((getattr(self, f"{name}_{suffix}", "") or "").strip() for name in names)
