from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django import template
from django.urls import reverse

from calculators import calendar, formats, qr
from core.bilingual import HTML_LANG, current_language, script_language

register = template.Library()


register.filter("money", formats.money)
register.filter("number", formats.number)
register.filter("month_day", formats.month_day)


@register.simple_tag
def qr_image(url):
    """Where the QR code of the share link ``url`` is served as an image (``calculators.qr``).

    "" when the link holds more than a QR code can: the page then says so, and the link itself still works.
    """
    if not qr.fits(url):
        return ""
    parts = urlsplit(url)
    link = parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("calculators:qr") + "?" + urlencode({"link": link})


@register.simple_tag
def timeline_dates(result, today):
    """The deadline answer's dates in calendar order (``calculators.calendar.timeline``)."""
    return calendar.timeline(result, today)


@register.simple_tag
def upcoming_dates(result, today):
    """The dates still ahead that the calendar file would remind of."""
    return calendar.upcoming(result, today)


@register.filter
def svg_number(value):
    """A number for an SVG attribute: always a dot, whatever the reader's language."""
    return f"{Decimal(value).normalize():f}"


def _lang_if_foreign(text, page_lang):
    """The ``lang`` a piece of text needs on this page: its own script's, when that is not the page's."""
    lang = script_language(text)
    return lang if lang and lang != page_lang else ""


@register.simple_tag
def citation(source):
    """A rule's source (an engine ``SourceRef``) in the reader's language: the title translated where the
    original is in the other language (with the original beside it), the issuer, and the editors' note."""
    language = current_language()
    page_lang = HTML_LANG[language]
    suffix, other = ("zh", "ru") if language == "zh-hans" else ("ru", "zh")
    title = getattr(source, f"title_{suffix}") or source.title
    issuer = (source.issuer_ru if suffix == "ru" else "") or source.issuer
    note = getattr(source, f"note_{suffix}") or getattr(source, f"note_{other}")
    return {
        "title": title, "title_lang": _lang_if_foreign(title, page_lang),
        "original": source.title if title != source.title else "",
        "original_lang": script_language(source.title),
        "issuer": issuer, "issuer_lang": _lang_if_foreign(issuer, page_lang),
        "note": note, "note_lang": _lang_if_foreign(note, page_lang),
    }


@register.simple_tag
def usual_dates(row, coverage_year):
    """A usual payment period's ``(start, end)`` for ``coverage_year``."""
    return row.dates_for(coverage_year)
