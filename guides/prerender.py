"""Markdown rendered once, when it is saved, with the live tables left to be filled in when shown.

A FAQ answer's and a guide body's Markdown become HTML on save (through ``guides.rendering``, the one
renderer), with a guide's headings for its table of contents, so a page costs no Markdown work per
request. A placeholder line such as ``[[table:contributions region=national]]`` is not rendered then:
its table shows rules that change without the text being saved (a new year's figures, a scheduled
publication). It is kept in the stored HTML as a marker paragraph that carries the placeholder, and
``live`` puts the table in when the text is shown (``calculators.tables`` keeps each drawn table per
content version).

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


def rendered(text, language):
    """``RenderedMarkdown`` of ``text`` with every live-table placeholder kept as a marker."""
    def keep(match):
        return "\n\n" + MARKER.format(match.group("spec").encode().hex()) + "\n\n"

    return rendering.render(rendering.PLACEHOLDER_LINE.sub(keep, text or ""), language)


def prerender(text, language):
    """HTML for ``text`` with every live-table placeholder kept as a marker."""
    return str(rendered(text, language).html)


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


def headings_as_data(headings):
    """``rendering.Heading`` trees as JSON-ready dicts (the template reads both alike)."""
    return [{"level": h.level, "anchor": h.anchor, "title": h.title, "children": headings_as_data(h.children)}
            for h in headings]


def fill_body_html(sender, instance, **kwargs):
    """pre_save receiver for Guide: each language's body (its fallback text where missing) and its headings."""
    for language, suffix in FIELD_SUFFIX.items():
        body = instance.localized("body", language)
        result = rendered(body.text, body.language)
        setattr(instance, f"body_html_{suffix}", str(result.html))
        setattr(instance, f"headings_{suffix}", headings_as_data(result.headings))


def fill_answer_html(sender, instance, **kwargs):
    """pre_save receiver for FAQ: each language's answer (its fallback text where missing), rendered."""
    for language, suffix in FIELD_SUFFIX.items():
        answer = instance.localized("answer", language)
        setattr(instance, f"answer_html_{suffix}", prerender(answer.text, answer.language))
