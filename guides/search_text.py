"""The searchable form of a text: the same function builds it for stored pages and for queries.

A text becomes a row of tokens separated by single spaces, with a space at each end:

- a run of Chinese characters is one token, kept as it is (Chinese has no spaces between words, so
  a query matches anywhere inside a run: two-character words are found inside sentences);
- a run of other letters and digits is one token, lower-cased with ё read as е; Russian words are
  cut to their Snowball stem, so "взносы", "взносов" and "взнос" are all "взнос".

A query phrase becomes a *pattern* in the same form, and a page matches when its stored text
contains the pattern (``LIKE '%pattern%'`` in SQL, ``in`` in Python: the same test everywhere).
A pattern that starts with a non-Chinese token starts with a space, so a Russian or Latin word
matches at the start of a word ("взнос" finds "взносов" but "лет" does not find "билет"); a number
ends with one too, so it matches whole.
"""

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
TOKEN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>(?:(?![{CJK}])[^\W_])+)")
CYRILLIC = re.compile("[\u0400-\u04ff]")
CONTROL = re.compile("[\x00-\x1f\x7f]")

_russian = Stemmer.Stemmer("russian")


def normalize(text):
    """Lower-case letter by letter, keeping positions, so a match in the copy is a match in the original."""
    lowered = text.lower()
    if len(lowered) == len(text):  # the usual case: no letter changed length ("İ" does)
        return lowered.replace("ё", "е")
    chars = []
    for char in text:
        lowered = char.lower()
        chars.append(lowered if len(lowered) == 1 else char)
    return "".join(chars).replace("ё", "е")


@lru_cache(maxsize=20000)
def stem(word):
    """A normalised word's searchable form: the Snowball stem of a Russian word, any other word as it is."""
    return _russian.stemWord(word) if CYRILLIC.search(word) else word


@dataclass(frozen=True)
class Token:
    text: str  # searchable form
    is_cjk: bool
    start: int  # position in the original text
    end: int


def tokens(text):
    folded = normalize(text or "")
    found = []
    for match in TOKEN.finditer(folded):
        is_cjk = match.lastgroup == "cjk"
        found.append(Token(match.group() if is_cjk else stem(match.group()), is_cjk, match.start(), match.end()))
    return found


def index_text(text):
    """What is stored for search: the searchable tokens, space-separated, with a space at each end."""
    return " " + " ".join(token.text for token in tokens(text)) + " "


def pattern(phrase_tokens):
    """The stored-text fragment a phrase (a list of Tokens) must appear as.

    A number is matched whole ("7" does not find "70"); a last word by its start ("взнос" finds "взносный")."""
    joined = " ".join(token.text for token in phrase_tokens)
    if phrase_tokens[-1].text.isdigit():
        joined += " "
    return joined if phrase_tokens[0].is_cjk else " " + joined


class Located:
    """A text with its searchable form, where a pattern found in the form is mapped back to the text."""

    def __init__(self, text):
        self.text = text
        self.tokens = tokens(text)
        self.form_starts, position = [], 1
        for token in self.tokens:
            self.form_starts.append(position)
            position += len(token.text) + 1
        self.form = " " + " ".join(token.text for token in self.tokens) + " "

    def spans(self, pattern_text):
        """(start, end) in the original text of every occurrence of ``pattern_text``."""
        found, begin = [], self.form.find(pattern_text)
        while begin >= 0:
            found.append(self._original(begin, begin + len(pattern_text)))
            begin = self.form.find(pattern_text, begin + 1)
        return found

    def _original(self, begin, end):
        begin += self.form[begin] == " "
        first = bisect.bisect_right(self.form_starts, begin) - 1
        last = bisect.bisect_right(self.form_starts, end - 1) - 1
        first_token, last_token = self.tokens[first], self.tokens[last]
        # Inside a Chinese run the searchable form is the text itself, character for character.
        start = first_token.start + (begin - self.form_starts[first] if first_token.is_cjk else 0)
        stop = (last_token.start + end - self.form_starts[last]) if last_token.is_cjk else last_token.end
        return start, stop
