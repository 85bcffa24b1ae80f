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

Measured plan at 50 times today's content (the demo guides and questions copied to 400 and 1,100,
600 regions; in process, warm, the fastest of 15 requests, on a shared 2-core machine under other
test runs, so the figures are upper bounds). Every search page reads the same queries whatever the
content: two for guides and questions (one per group, counting its matches with a window function),
none for regions and calculators (kept per content version), one more on a miss (the other
language's count); the revisions middleware adds two.

- SQLite, 1x -> 50x: "缴费" 55 -> 160 ms, "взносов" 73 -> 105 ms, "异地就医备案" 22 -> 29 ms, a miss
  30 -> 75 ms, an empty search 21 ms. The columns are scanned with INSTR (see ``Has``); a scan of
  ~1,500 rows of stored text is a few tens of milliseconds, so SQLite keeps this simple path.
- PostgreSQL, 1x -> 50x: "缴费" 45 -> 141 ms, "взносов" 51 -> 211 ms, "异地就医备案" 46 -> 81 ms, a miss
  46 -> 91 ms. Migration 0009 adds ``pg_trgm`` GIN indexes on the four search columns. At 50x the
  planner still prefers a sequential scan (the questions table is ~260 pages); forced onto the index,
  "%异地就医备案%" takes 2.7 ms instead of 8.7-13 ms, " разрешен на пребыван" 7.7 ms instead of
  29-42 ms and a miss 9 ms instead of 34-38 ms, so the index takes over as the tables grow. A pattern
  of fewer than three characters (most Chinese words: "缴费") has no trigram and is always scanned.
- What remains per result is cutting its snippet around the first match (a few hundred characters
  tokenised), capped at five results per group or twenty on a page of one group.
"""

import operator
import re
import threading
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Case, Count, F, IntegerField, Lookup, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from guides import search_text
from guides.faq_pages import answer_url
from guides.models import FAQ, Guide, Synonym
from guides.rendering import plain_text
from guides.search_text import CONTROL, Located, index_text, normalize, pattern, tokens
from core import content_version
from core.bilingual import FIELD_SUFFIX, LocalizedText

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


class _Kept:
    """Computed once per content version, in this process (nothing kept while the cache is down)."""

    def __init__(self, build):
        self.build, self.version, self.value, self.lock = build, None, None, threading.Lock()

    def get(self):
        version = content_version.current()
        if version is None:
            return self.build()
        with self.lock:
            if self.version != version:
                self.value, self.version = self.build(), version
            return self.value

    def forget(self):
        with self.lock:
            self.version = self.value = None


@dataclass
class IndexedEntry:
    entry: Entry
    forms: dict  # language -> (title form, whole form)


def _index_entries():
    indexed = []
    for entries in _sources.values():
        for entry in entries():
            forms = {}
            for language, suffix in FIELD_SUFFIX.items():
                title = getattr(entry, f"title_{suffix}")
                forms[language] = (index_text(title), index_text(title + " " + getattr(entry, f"text_{suffix}")))
            indexed.append(IndexedEntry(entry, forms))
    return indexed


registered = _Kept(_index_entries)


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


synonyms = _Kept(_synonym_table)


@dataclass
class Term:
    text: str  # as the reader typed it (normalised)
    patterns: tuple

    def found_in(self, form):
        return any(p in form for p in self.patterns)


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
    table = synonyms.get() if table is None else table
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


class Has(Lookup):
    """``column`` contains ``pattern``, literally: LIKE '%…%' (escaped) where a trigram index can serve it
    (PostgreSQL), INSTR on SQLite, whose LIKE folds the case of every character it compares and is
    several times slower on the same rows."""

    lookup_name = "has"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return Contains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"INSTR({lhs}, {rhs}) > 0", (*lhs_params, *rhs_params)


def _matches(column, term):
    return reduce(operator.or_, (Q(Has(F(column), p)) for p in term.patterns))


def _count_matching(column, terms):
    cases = [Case(When(_matches(column, term), then=Value(1)), default=Value(0)) for term in terms]
    return reduce(operator.add, cases)


def _faq_place():
    """How many published questions of the same topic come before this one (where its answer is shown)."""
    before = (FAQ.objects.published().filter(topic=OuterRef("topic"))
              .filter(Q(order__lt=OuterRef("order")) | Q(order=OuterRef("order"), slug__lt=OuterRef("slug")))
              .order_by().values("topic").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(before, output_field=IntegerField()), 0)


DATABASE_GROUPS = {
    "guides": (Guide, "guide", ("slug", "title_zh", "title_ru", "topic", "order")),
    "questions": (FAQ, "faq", ("slug", "question_zh", "question_ru", "topic", "order")),
}


def _database_group(name, terms, language, page, per_page):
    model, kind, fields = DATABASE_GROUPS[name]
    suffix = FIELD_SUFFIX[language]
    text_column, title_column = f"search_{suffix}", f"search_title_{suffix}"
    found = model.objects.published().filter(reduce(operator.or_, (_matches(text_column, t) for t in terms)))
    ranked = found.annotate(
        title_hits=_count_matching(title_column, terms),
        hits=_count_matching(text_column, terms),
        total=Window(Count("pk")),
    ).order_by("-title_hits", "-hits", "topic__order", "order", "slug").only(*fields, f"snippet_{suffix}")
    if model is FAQ:
        ranked = ranked.annotate(place=_faq_place()).select_related("topic").only(
            *fields, f"snippet_{suffix}", "topic__slug")
    start = (page - 1) * per_page
    rows = list(ranked[start:start + per_page])
    total = rows[0].total if rows else (found.count() if page > 1 else 0)
    results = []
    for row in rows:
        title = row.localized("title" if model is Guide else "question", language)
        url = row.get_absolute_url() if model is Guide else answer_url(row, row.place)
        results.append(Result(kind, row, title, snippet(getattr(row, f"snippet_{suffix}"), terms), url,
                              row.title_hits, row.hits))
    return Group(name, results, total, page, per_page)


def _registered_group(name, terms, language, page, per_page):
    scored = []
    for item in registered.get():
        if item.entry.group != name:
            continue
        title_form, form = item.forms[language]
        hits = sum(term.found_in(form) for term in terms)
        if hits:
            scored.append((-sum(term.found_in(title_form) for term in terms), -hits, item.entry.order, item))
    scored.sort(key=lambda row: row[:3])
    start = (page - 1) * per_page
    results = []
    for title_hits, hits, _order, item in scored[start:start + per_page]:
        entry = item.entry
        results.append(Result(entry.group, entry, entry.title(language),
                              snippet(entry.description(language), terms, radius=SNIPPET_RADIUS),
                              reverse(entry.url_name, args=entry.url_args), -title_hits, -hits))
    return Group(name, results, len(scored), page, per_page)


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
    """How many results a query has in ``language`` (for "in the other language: N"), in one query."""
    terms = terms_of(query)
    if not terms:
        return 0
    column = f"search_{FIELD_SUFFIX[language]}"
    condition = reduce(operator.or_, (_matches(column, t) for t in terms))
    guides, questions = (model.objects.published().filter(condition).order_by().values("pk")
                         for model, _kind, _fields in DATABASE_GROUPS.values())
    total = guides.union(questions, all=True).count()
    for item in registered.get():
        total += any(term.found_in(item.forms[language][1]) for term in terms)
    return total


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
