"""Search over guides, questions, region pages and calculators in the reader's language.

How a query is read (``terms_of``): control characters are dropped, the text is cut to 100
characters and split into *terms*. An editor's synonym (``guides.models.Synonym``: 交费 = 缴费,
ВНЖ = разрешение на пребывание) found in the query becomes one term that matches any of its
wordings. Chinese runs are split at question words (怎么, 如何 …), Russian function words (как, на …)
are dropped, and every Russian word is reduced to its Snowball stem (see ``guides.search_text``).

What matches: a page matches a term when its stored searchable text contains one of the term's
patterns; a page is found when it matches at least one term. Results are grouped (guides,
questions, regions, calculators), each group ranked by how many terms the title matches, then by
how many terms the page matches, then in editorial order; a group is shown capped, with a link to
all of it, page by page. Groups are listed best first: the group of the best single result leads.

Where the text comes from: guides and questions store their searchable text, title and snippet
source per language on save (``fill_search_columns``, a ``pre_save`` receiver, so fixture loads get
them too); nothing is rendered per result. Region pages and calculators live in the calculators app,
which guides never imports: it registers a source here (``register_source``) whose entries are read
once per content version and kept in this process.

How it is matched: the searchable forms of every published guide and question (``published``) and of
every registered entry (``registered``) are read once per content version and kept in this process,
indexed (``Forms``: each word, each Chinese character and pair of characters, to a bit mask of the
forms holding it). A term is answered from the index, so its cost follows the number of distinct
words, not the amount of text; the database is asked only for the rows shown (their snippets and
titles), one query per group with results. Invalidation rule: a new content version (any save,
delete or fixture load of content, synonyms included) rebuilds them on the next search; the
published pages are also rebuilt once the next scheduled moment passes (a ``publish_at``, or the
day a guide is dated), since time alone changes what readers see. Memory: the stored forms plus the
index, about 14 MB a process at 50 times today's content.

Measured plan (bench/search.py: in process, warm, median of 20 fresh renderings, no response cache;
demo content vs 50 times it, 550 guides, 1,100 questions, 600 regions; CPU time of the Django
process, steadier than the wall clock on this shared 2-core machine; wall clock in brackets). Every
search page reads the same queries whatever the content: one per group with results shown (at most
two), none for a miss, the other language's count or regions and calculators.

- Before (SQL scans with INSTR or LIKE, a window count, the matching rows sorted with their
  snippets): SQLite "взнос" 14 -> 128 ms, "缴费" 15 -> 111 ms, a miss 9 -> 55 ms; PostgreSQL
  "взнос" 21 -> 43 ms, "缴费" 13 -> 50 ms, "缴费 北京" 16 -> 60 ms (wall). The pg_trgm indexes of
  migration 0009 served only patterns of three characters or more, never "缴费"; nothing uses them now,
  and migration 0012 drops them.
- After, SQLite (CPU ms, today -> 50x): "взнос" 8.9 -> 8.3 [12.9 -> 8.4], "взносов" 7.8 -> 9.2,
  "交费" 7.6 -> 7.4, "缴费" 6.5 -> 8.3, "缴费 北京" 7.8 -> 8.1, "异地就医备案" 4.8 -> 6.2,
  "разрешение на пребывание" 5.6 -> 7.2, "备案" in Russian (only the other language has it)
  7.9 -> 9.3, a miss 1.6 -> 1.4; one group's page of twenty 4.9 -> 9.1 (today it holds fewer).
- After, PostgreSQL (CPU ms, today -> 50x; the two queries fetch rows by key): "взнос" 9.4 -> 9.2
  [18.7 -> 14.6], "взносов" 14.0 -> 10.0, "缴费" 7.8 -> 7.9, "缴费 北京" 8.1 -> 7.9,
  "异地就医备案" 6.3 -> 7.1, "разрешение на пребывание" 5.9 -> 8.4, a miss 1.6 -> 1.9.
- The empty search's most-read list (``guides.reads``) read every published guide's counter: 4.7 -> 17 ms
  on SQLite, 4.4 -> 7.7 ms on PostgreSQL. The ranking is now kept per content version for five minutes
  and the guides shown are fetched by id: SQLite 2.5 -> 3.8 ms (CPU, median of 60).
- The price: after every change, the first search in each process rebuilds the kept forms and index
  (two queries over the search columns and one pass over them): 0.7 s at 50x (0.1 s for 600
  regions), about 50 ms today, once per process and content version.
"""

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from guides import search_text
from guides.faq_pages import answer_url
from guides.models import FAQ, Guide, Synonym, next_visible_moment
from guides.rendering import plain_text
from guides.search_text import CONTROL, Located, index_text, normalize, pattern, tokens
from core import content_version
from core.bilingual import FIELD_SUFFIX, LocalizedText

CJK_RUN = re.compile(f"[{search_text.CJK}]+")
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
SNIPPET_RADIUS = 60
SHOWN_PER_GROUP = 5  # on the first results page, per group
PER_PAGE = 20  # on a page of one group

GROUPS = {
    "guides": _("Guides"),
    "questions": _("Questions"),
    "regions": _("Region pages"),
    "calculators": _("Calculators"),
}

# Words that carry no subject: dropped from a query unless nothing else is left.
RUSSIAN_FUNCTION_WORDS = {
    stem for stem in (search_text.stem(w) for w in """
    а в во для до же за и из или к как какая какие какой когда ко ли либо между на над не нет ни но о об
    около от по под после при про с со у что чтобы это этот я мы вы он она они ли где куда сколько
    можно нужно надо мне меня нам вас ваш мой если то так уже ещё еще бы через""".split())
}
CHINESE_FUNCTION_CHARACTERS = set("是的了在和与要能会我你他她有就还也都被把给")
FUNCTION_WORDS = RUSSIAN_FUNCTION_WORDS | CHINESE_FUNCTION_CHARACTERS
CHINESE_QUESTION_WORDS = re.compile("怎么样|怎么|怎样|如何|为什么|什么|哪里|哪些|哪个|是否|能不能|可不可以|要不要|吗|呢")


def clean_query(query):
    """The query as read: without control characters (NUL breaks PostgreSQL), trimmed, at most 100 characters."""
    return CONTROL.sub("", query or "").strip()[:MAX_QUERY_LENGTH]


# ---------------------------------------------------------------------------
# What the content apps register


@dataclass(frozen=True)
class Entry:
    """One searchable page another app owns (a region page, a calculator), in both languages."""

    group: str
    key: str
    url_name: str
    url_args: tuple
    title_zh: str
    title_ru: str
    text_zh: str = ""
    text_ru: str = ""
    order: int = 0

    def title(self, language):
        return LocalizedText(getattr(self, f"title_{FIELD_SUFFIX[language]}"), language, False)

    def description(self, language):
        return getattr(self, f"text_{FIELD_SUFFIX[language]}")


_sources = {}


def register_source(name, entries):
    """``entries()`` returns every Entry of one kind; it is called once per content version."""
    _sources[name] = entries


class Forms:
    """Many stored forms with an index of what they contain, so a pattern is matched without reading them all.

    A set of forms is an int used as a bit mask (bit ``n``: form ``n``). Indexed: every word token (its
    forms), and every Chinese character and pair of adjacent characters inside a Chinese run. A pattern of
    one word (" взнос": tokens starting with it; " 90 ": the token itself) or of one or two Chinese
    characters is answered by the index alone, exactly; any longer pattern by the index narrowing the forms
    down, then a plain ``in`` on the few left (the same test as before, so the same forms match)."""

    def __init__(self, forms):
        self.forms = forms
        words, grams = defaultdict(int), defaultdict(int)
        for number, form in enumerate(forms):
            bit = 1 << number
            for token in set(form.split()):
                if CJK_RUN.fullmatch(token):
                    for gram in {token[i:i + size] for size in (1, 2) for i in range(len(token) - size + 1)}:
                        grams[gram] |= bit
                else:
                    words[token] |= bit
        self.words, self.grams = dict(words), dict(grams)
        self.vocabulary = sorted(self.words)

    def containing(self, found):
        """The forms that contain ``found`` (a pattern), as a mask."""
        pieces = found.split(" ")
        lead, trail = pieces[0] == "", pieces[-1] == ""
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            return 0
        candidates, exact = (1 << len(self.forms)) - 1, len(pieces) == 1
        for number, piece in enumerate(pieces):
            if number == 0 and not lead and not CJK_RUN.fullmatch(piece):
                exact = False  # the end of any word: not indexed, so every form is checked
            elif CJK_RUN.fullmatch(piece):
                candidates &= self._chinese(piece)
                exact = exact and len(piece) <= 2
            elif (number < len(pieces) - 1) or trail:
                candidates &= self.words.get(piece, 0)
            else:
                candidates &= self._starting(piece)
            if not candidates:
                return 0
        if exact:
            return candidates
        verified = 0
        for number in _bits(candidates):
            if found in self.forms[number]:
                verified |= 1 << number
        return verified

    def _chinese(self, piece):
        """The forms with a Chinese run holding every pair of ``piece`` (every one of them, for two characters)."""
        if len(piece) == 1:
            return self.grams.get(piece, 0)
        mask = -1
        for i in range(len(piece) - 1):
            mask &= self.grams.get(piece[i:i + 2], 0)
            if not mask:
                break
        return mask

    def _starting(self, piece):
        """The forms with a word starting with ``piece``."""
        mask = 0
        at = bisect.bisect_left(self.vocabulary, piece)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(piece):
            mask |= self.words[self.vocabulary[at]]
            at += 1
        return mask


def _bits(mask):
    """The numbers of the bits set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _at_least(masks):
    """[forms matching at least 1, 2, ... of ``masks``] (a bit-sliced count)."""
    counts = [0] * len(masks)
    for mask in masks:
        for level in range(len(masks) - 1, 0, -1):
            counts[level] |= counts[level - 1] & mask
        counts[0] |= mask
    return counts


class Shelf:
    """The items of one group in the order that breaks ties, with their title and whole forms per language."""

    def __init__(self, items, forms):
        """``forms[language]``: [(title form, whole form)], one per item."""
        self.items = items
        self.titles = {language: Forms([title for title, _whole in pairs]) for language, pairs in forms.items()}
        self.wholes = {language: Forms([whole for _title, whole in pairs]) for language, pairs in forms.items()}

    def matching(self, terms, language):
        """The items a term matches, as a mask."""
        mask = 0
        for term in terms:
            mask |= self._term(self.wholes[language], term)
        return mask

    def scored(self, terms, language, first=0, count=None):
        """(how many items a term matches, [(title hits, hits, item)] of the ``count`` from the ``first``-th on):
        most title hits first, then most hits, then in the shelf's order."""
        wholes = [self._term(self.wholes[language], term) for term in terms]
        titles = [self._term(self.titles[language], term) for term in terms]
        hits, title_hits = _at_least(wholes), _at_least(titles)
        found = hits[0]
        shown, wanted = [], None if count is None else first + count
        for title_level in range(len(terms), -1, -1):
            with_titles = title_hits[title_level - 1] if title_level else -1
            if title_level < len(terms):
                with_titles &= ~title_hits[title_level]
            for level in range(len(terms), 0, -1):
                exactly = hits[level - 1] & ~(hits[level] if level < len(terms) else 0)
                for number in _bits(found & with_titles & exactly):
                    if wanted is not None and len(shown) >= wanted:
                        return found.bit_count(), shown[first:]
                    shown.append((title_level, level, self.items[number]))
        return found.bit_count(), shown[first:]

    @staticmethod
    def _term(forms, term):
        mask = 0
        for found in term.patterns:
            mask |= forms.containing(found)
        return mask


def _forms(title, text):
    return index_text(title), index_text(title + " " + text)


def _index_entries():
    """{group: Shelf} of every registered entry, in their order (then in the order they were registered)."""
    entries = sorted((entry for source in _sources.values() for entry in source()), key=lambda e: e.order)
    shelves = {}
    for name in GROUPS:
        items = [entry for entry in entries if entry.group == name]
        forms = {language: [_forms(entry.title(language).text, entry.description(language)) for entry in items]
                 for language in FIELD_SUFFIX}
        shelves[name] = Shelf(items, forms)
    return shelves


registered = content_version.InProcess()


def registered_shelves():
    return registered.get(_index_entries)


# ---------------------------------------------------------------------------
# Synonyms and the query


def _synonym_table():
    """[(wording, [wordings it also searches for, itself first])], each wording a list of Tokens.

    Pairs that go both ways join into groups (a wording finds every other of its group); a one-way
    pair adds the second side's group to the first side's."""
    parent, wordings, one_way = {}, {}, []

    def root(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for term, same_as, both_ways in Synonym.objects.values_list("term", "same_as", "both_ways"):
        keys = []
        for wording in (term, same_as):
            found = tokens(wording)
            if found:
                keys.append(index_text(wording))
                wordings[keys[-1]] = found
        if len(keys) < 2:
            continue
        if both_ways:
            parent[root(keys[0])] = root(keys[1])
        else:
            one_way.append(keys)
    groups = {}
    for key in wordings:
        groups.setdefault(root(key), []).append(key)
    table = []
    for key, found in wordings.items():
        also = list(groups[root(key)])
        for source, target in one_way:
            if root(source) == root(key):
                also.extend(groups[root(target)])
        also = [key] + [k for k in dict.fromkeys(also) if k != key]
        table.append((found, [wordings[k] for k in also]))
    return table


synonyms = content_version.InProcess()


def synonym_table():
    return synonyms.get(_synonym_table)


@dataclass
class Term:
    text: str  # as the reader typed it (normalised)
    patterns: tuple


def _term(found_tokens, also=None):
    wordings = also or [found_tokens]
    patterns = tuple(dict.fromkeys(pattern(w) for w in wordings))
    return Term(" ".join(t.text for t in found_tokens), patterns)


def _synonym_at(query_tokens, index, table):
    """(wordings searched for, tokens taken, (start, end) inside a Chinese run or None) at ``index``.

    Whole words first (the longest wording wins); else a Chinese wording inside the run at ``index``,
    the leftmost and then the longest."""
    here = [t.text for t in query_tokens[index:]]
    words, inside = None, None
    for wording, also in table:
        texts = [t.text for t in wording]
        if here[:len(texts)] == texts:
            if words is None or len(texts) > words[1]:
                words = (also, len(texts), None)
        elif len(wording) == 1 and wording[0].is_cjk and query_tokens[index].is_cjk:
            at = query_tokens[index].text.find(texts[0])
            if at >= 0 and (inside is None or (at, -len(texts[0])) < inside[0]):
                inside = ((at, -len(texts[0])), (also, 1, (at, at + len(texts[0]))))
    return words or (inside[1] if inside else None)


def _piece(token, begin, end):
    """Part of a Chinese run of the query, with its place in the query."""
    return search_text.Token(token.text[begin:end], True, token.start + begin, token.start + end)


def _without_question_words(token):
    if not token.is_cjk:
        return [token]
    pieces, begin = [], 0
    for match in CHINESE_QUESTION_WORDS.finditer(token.text):
        pieces.append(_piece(token, begin, match.start()))
        begin = match.end()
    pieces.append(_piece(token, begin, len(token.text)))
    return [piece for piece in pieces if piece.text]


def _phrases(words):
    """Tokens typed without anything between them ("90天": "90" and "天") are one phrase."""
    phrases = []
    for token in words:
        if phrases and phrases[-1][-1].end == token.start:
            phrases[-1].append(token)
        else:
            phrases.append([token])
    return phrases


def terms_of(query, table=None):
    """The terms of a query: synonyms first, then every other word or phrase."""
    query_tokens = tokens(clean_query(query))
    table = synonym_table() if table is None else table
    terms, plain, index = [], [], 0
    while index < len(query_tokens):
        found = _synonym_at(query_tokens, index, table)
        if found is None:
            plain.append(query_tokens[index])
            index += 1
            continue
        also, length, inside = found
        if inside is None:
            terms.append(_term(query_tokens[index:index + length], also))
            index += length
            continue
        # A synonym inside a Chinese run: the run splits around it and the rest is read again.
        token = query_tokens[index]
        terms.append(_term([_piece(token, *inside)], also))
        before, after = _piece(token, 0, inside[0]), _piece(token, inside[1], len(token.text))
        query_tokens[index:index + 1] = [piece for piece in (before, after) if piece.text]
        if before.text:
            plain.append(before)
            index += 1
    words = [piece for token in plain for piece in _without_question_words(token)]
    phrases = _phrases(words)
    meaningful = [p for p in phrases if len(p) > 1 or p[0].text not in FUNCTION_WORDS]
    for phrase in meaningful or ([] if terms else phrases):
        terms.append(_term(phrase))
    unique = []
    for term in terms:
        if all(term.patterns != seen.patterns for seen in unique):
            unique.append(term)
    return unique[:MAX_TERMS]


# ---------------------------------------------------------------------------
# Storing the searchable text


# Per kind of row: the field readers see as its title, and the fields its text is made of (Markdown).
SEARCHED_FIELDS = {"guide": ("title", ("summary", "body")), "faq": ("question", ("answer",))}


def searchable_parts(obj, language):
    """(title, plain text a snippet is cut from) of what a reader of ``language`` sees, fallback included."""
    title_field, text_fields = SEARCHED_FIELDS[obj._meta.model_name]
    texts = [plain_text(obj.localized(name, language).text) for name in text_fields]
    return obj.localized(title_field, language).text, " ".join(t for t in texts if t)


def fill_search_columns(sender, instance, **kwargs):
    """pre_save receiver: runs for admin saves and fixture loads (raw saves) alike."""
    for language, suffix in FIELD_SUFFIX.items():
        title, text = searchable_parts(instance, language)
        setattr(instance, f"search_title_{suffix}", index_text(title))
        setattr(instance, f"search_{suffix}", index_text(title + " " + text))
        setattr(instance, f"snippet_{suffix}", text)


# ---------------------------------------------------------------------------
# Finding


@dataclass
class Result:
    kind: str  # "guide", "faq", or the group of a registered entry
    obj: object
    title: LocalizedText
    snippet: str
    url: str
    title_hits: int = 0
    hits: int = 0


@dataclass
class Group:
    name: str
    results: list
    total: int
    page: int = 1
    per_page: int = SHOWN_PER_GROUP

    @property
    def label(self):
        return GROUPS[self.name]

    @property
    def has_more(self):
        return self.page * self.per_page < self.total

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def rank(self):
        best = self.results[0] if self.results else None
        return (-best.title_hits, -best.hits) if best else (1, 1)


@dataclass
class Search:
    query: str
    terms: list
    groups: list = field(default_factory=list)

    @property
    def total(self):
        return sum(group.total for group in self.groups)


@dataclass(frozen=True)
class Row:
    """One published guide or question as search reads it (its forms are on its Shelf)."""

    pk: int
    place: int  # a question's place among the published questions of its topic (where its answer is shown)


@dataclass
class Published:
    shelves: dict  # group name -> Shelf of Rows in editorial order
    valid_until: object = None  # the next moment a page appears by time alone (None: no such moment)


DATABASE_GROUPS = {
    "guides": (Guide, "guide", ("slug", "title_zh", "title_ru", "topic", "order")),
    "questions": (FAQ, "faq", ("slug", "question_zh", "question_ru", "topic", "order")),
}


def _read_published():
    """Every published guide and question with its searchable forms, read in two queries."""
    at = timezone.now()
    columns = [f"search{part}_{FIELD_SUFFIX[language]}" for language in FIELD_SUFFIX for part in ("_title", "")]
    shelves = {}
    for name, (model, _kind, _fields) in DATABASE_GROUPS.items():
        rows, forms, places = [], {language: [] for language in FIELD_SUFFIX}, {}
        ordered = model.objects.published(at).order_by("topic__order", "order", "slug")
        for pk, topic, *texts in ordered.values_list("pk", "topic_id", *columns):
            places[topic] = place = places.get(topic, -1) + 1
            rows.append(Row(pk, place))
            for n, language in enumerate(FIELD_SUFFIX):
                forms[language].append((texts[2 * n], texts[2 * n + 1]))
        shelves[name] = Shelf(rows, forms)
    return Published(shelves, next_visible_moment(at))


published = content_version.InProcess()


def published_shelves():
    return published.get(_read_published).shelves


def _database_group(name, terms, language, page, per_page):
    model, kind, fields = DATABASE_GROUPS[name]
    suffix = FIELD_SUFFIX[language]
    total, shown = published_shelves()[name].scored(terms, language, (page - 1) * per_page, per_page)
    by_pk = {}
    if shown:
        details = model.objects.filter(pk__in=[row.pk for _title_hits, _hits, row in shown])
        if model is FAQ:
            details = details.select_related("topic").only(*fields, f"snippet_{suffix}", "topic__slug")
        else:
            details = details.only(*fields, f"snippet_{suffix}")
        by_pk = {obj.pk: obj for obj in details}
    results = []
    for title_hits, hits, row in shown:
        obj = by_pk.get(row.pk)
        if obj is None:  # deleted since the forms were read; the next content version drops it
            continue
        title = obj.localized("title" if model is Guide else "question", language)
        url = obj.get_absolute_url() if model is Guide else answer_url(obj, row.place)
        results.append(Result(kind, obj, title, snippet(getattr(obj, f"snippet_{suffix}"), terms), url,
                              title_hits, hits))
    return Group(name, results, total, page, per_page)


def _registered_group(name, terms, language, page, per_page):
    total, shown = registered_shelves()[name].scored(terms, language, (page - 1) * per_page, per_page)
    results = []
    for title_hits, hits, entry in shown:
        results.append(Result(entry.group, entry, entry.title(language),
                              snippet(entry.description(language), terms, radius=SNIPPET_RADIUS),
                              reverse(entry.url_name, args=entry.url_args), title_hits, hits))
    return Group(name, results, total, page, per_page)


def search(query, language, *, group=None, page=1):
    """Every group's best results (``group=None``), or one page of one group."""
    terms = terms_of(query)
    found = Search(query, terms)
    if not terms:
        return found
    names = [group] if group in GROUPS else list(GROUPS)
    per_page = PER_PAGE if group in GROUPS else SHOWN_PER_GROUP
    page = page if group in GROUPS else 1
    for name in names:
        if name in DATABASE_GROUPS:
            found.groups.append(_database_group(name, terms, language, page, per_page))
        else:
            found.groups.append(_registered_group(name, terms, language, page, per_page))
    found.groups = [g for g in found.groups if g.total]
    found.groups.sort(key=lambda g: g.rank)  # stable: equal groups keep the order of GROUPS
    return found


def total_in(query, language):
    """How many results a query has in ``language`` (for "in the other language: N"), without a query."""
    terms = terms_of(query)
    if not terms:
        return 0
    shelves = [*published_shelves().values(), *registered_shelves().values()]
    return sum(shelf.matching(terms, language).bit_count() for shelf in shelves)


def other_language_link(query, language):
    """(language code, URL of the same search there) for the other language of the site."""
    from core.bilingual import other_language

    other = other_language(language)
    with override(other):
        return other, reverse("guides:search") + "?" + _query_string(query)


def _query_string(query):
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["q"] = query
    return params.urlencode()


# ---------------------------------------------------------------------------
# Snippets


def _first_match(plain, folded, terms, tries=50):
    """Where the first real match starts, or None. A pattern's first token is a prefix of the text it
    matches (a stem of its word, or the Chinese characters themselves), so only the places where one
    occurs are checked, each in a short window, instead of reading the whole text."""
    heads = {p.strip().split(" ")[0] for term in terms for p in term.patterns}
    places = sorted({at for head in heads for at in _occurrences(folded, head, tries)})
    for at in places[:tries]:
        start = max(0, at - 20)
        located = Located(plain[start:at + 200])
        spans = [begin for term in terms for p in term.patterns for begin, _end in located.spans(p)]
        if spans:
            return start + min(spans)
    return None


def _occurrences(folded, head, limit):
    found, at = [], folded.find(head)
    while at >= 0 and len(found) < limit:
        found.append(at)
        at = folded.find(head, at + 1)
    return found


def snippet(text, terms, radius=SNIPPET_RADIUS):
    """A window of ``text`` around the first match, escaped, with every match in it marked."""
    plain = re.sub(r"\s+", " ", text or "").strip()
    first = _first_match(plain, normalize(plain), terms) if terms else None
    if first is None:
        cut = plain[: radius * 2]
        return mark_safe(escape(cut) + ("…" if len(plain) > len(cut) else ""))
    start, end = max(0, first - radius), min(len(plain), first + radius * 2)
    window = Located(plain[start:end])
    spans = sorted({span for term in terms for p in term.patterns for span in window.spans(p)})
    out, cursor = [], 0
    for begin, finish in spans:
        if begin < cursor:
            continue
        out.append(escape(window.text[cursor:begin]))
        out.append("<mark>" + escape(window.text[begin:finish]) + "</mark>")
        cursor = finish
    out.append(escape(window.text[cursor:]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(plain) else ""))


__all__ = ["normalize", "register_source", "search", "snippet", "terms_of", "Entry"]
