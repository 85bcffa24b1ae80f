"""Markdown rendered once, when it is saved, with the live tables left to be filled in when shown.

A FAQ answer's Markdown becomes HTML on save (through ``guides.rendering``, the one renderer), so a
page of answers costs no Markdown work per request. A placeholder line such as
``[[table:contributions region=national]]`` is not rendered then: its table shows rules that change
without the answer being saved (a new year's figures, a scheduled publication). It is kept in the
stored HTML as a marker paragraph that carries the placeholder, and ``live`` puts the table in when
the answer is shown.

Invalidation rule: the stored HTML is rebuilt on every save of the row (fixture loads included); after
a change to the renderer itself, ``manage.py rebuild_stored_text`` rebuilds every row.
"""

import logging
import re

from django.utils.safestring import mark_safe

from guides import embeds, rendering
from core.bilingual import FIELD_SUFFIX

MARKER = "PORTALLIVEBLOCK{}END"
MARKER_PARAGRAPH = re.compile(r"<p>PORTALLIVEBLOCK([0-9a-f]+)END</p>")
logger = logging.getLogger(__name__)


def prerender(text, language):
    """HTML for ``text`` with every live-table placeholder kept as a marker."""
    def keep(match):
        return "\n\n" + MARKER.format(match.group("spec").encode().hex()) + "\n\n"

    return str(rendering.render(rendering.PLACEHOLDER_LINE.sub(keep, text or ""), language).html)


def live(html, language, *, as_of=None):
    """Stored HTML with its live tables rendered now, in ``language``."""
    def table(match):
        try:
            spec = bytes.fromhex(match.group(1)).decode()
        except ValueError:
            logger.warning("Stored answer has a broken live-table marker: %s", match.group(0))
            return ""
        return embeds.render(spec, language, as_of=as_of)

    return mark_safe(MARKER_PARAGRAPH.sub(table, html or ""))


def fill_answer_html(sender, instance, **kwargs):
    """pre_save receiver for FAQ: each language's answer (its fallback text where missing), rendered."""
    for language, suffix in FIELD_SUFFIX.items():
        answer = instance.localized("answer", language)
        setattr(instance, f"answer_html_{suffix}", prerender(answer.text, answer.language))
