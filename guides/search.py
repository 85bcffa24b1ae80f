"""Search over guides and FAQs in the reader's language.

Chinese has no spaces between words and most words are two characters, so
matching is by substring; Russian needs case-insensitive matching, which
SQLite's LIKE does not do beyond ASCII. Both are served by one stored,
normalised copy of each text per language, searched with plain ``contains``.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from guides.models import FAQ, Guide
from guides.rendering import plain_text
from portal.bilingual import FIELD_SUFFIX

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
SNIPPET_RADIUS = 60


def normalize(text):
    """Lower-case letter by letter, keeping positions, so a match in the copy is a match in the original."""
    chars = []
    for char in text:
        lowered = char.lower()
        chars.append(lowered if len(lowered) == 1 else char)
    return "".join(chars).replace("ё", "е")


def terms_of(query):
    query = (query or "")[:MAX_QUERY_LENGTH]
    terms = []
    for term in normalize(query).split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def searchable_text(obj, language):
    """What a reader of ``language`` sees of ``obj`` (its fallback text included), normalised."""
    if isinstance(obj, Guide):
        parts = [obj.localized("title", language).text, obj.localized("summary", language).text,
                 plain_text(obj.localized("body", language).text)]
    else:
        parts = [obj.localized("question", language).text, plain_text(obj.localized("answer", language).text)]
    return normalize(" ".join(p for p in parts if p))


def fill_search_columns(sender, instance, **kwargs):
    """pre_save receiver: runs for admin saves and fixture loads (raw saves) alike."""
    for language, suffix in FIELD_SUFFIX.items():
        setattr(instance, f"search_{suffix}", searchable_text(instance, language))


@dataclass
class Result:
    kind: str  # "guide" or "faq"
    obj: object
    title: object  # LocalizedText
    snippet: str
    url: str
    in_title: bool


def snippet(text, terms):
    """A window of ``text`` around the first term, escaped, with every term marked."""
    plain = re.sub(r"\s+", " ", text)
    folded = normalize(plain)
    positions = [folded.find(t) for t in terms if folded.find(t) >= 0]
    if not positions:
        return escape(plain[: SNIPPET_RADIUS * 2]) + ("…" if len(plain) > SNIPPET_RADIUS * 2 else "")
    start = max(0, min(positions) - SNIPPET_RADIUS)
    end = min(len(plain), min(positions) + SNIPPET_RADIUS * 2)
    window, folded_window = plain[start:end], folded[start:end]
    marks = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded_window):
            marks.append((match.start(), match.end()))
    marks.sort()
    out, cursor = [], 0
    for begin, finish in marks:
        if begin < cursor:
            continue
        out.append(escape(window[cursor:begin]))
        out.append("<mark>" + escape(window[begin:finish]) + "</mark>")
        cursor = finish
    out.append(escape(window[cursor:]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(plain) else ""))


def search(query, language):
    terms = terms_of(query)
    if not terms:
        return []
    column = f"search_{FIELD_SUFFIX[language]}"
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{column}__contains": term})
    results = []
    for guide in Guide.objects.published().filter(condition).select_related("topic"):
        title = guide.localized("title", language)
        body = " ".join([guide.localized("summary", language).text, plain_text(guide.localized("body", language).text)])
        results.append(Result("guide", guide, title, snippet(body, terms), guide.get_absolute_url(),
                              all(t in normalize(title.text) for t in terms)))
    for faq in FAQ.objects.published().filter(condition).select_related("topic"):
        title = faq.localized("question", language)
        results.append(Result("faq", faq, title, snippet(plain_text(faq.localized("answer", language).text), terms),
                              faq.get_absolute_url(), all(t in normalize(title.text) for t in terms)))
    results.sort(key=lambda r: (not r.in_title, r.kind != "guide"))
    return results
