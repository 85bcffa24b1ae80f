import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def yuan(value):
    """34300 -> "34,300.00": for display only; the engine has already rounded the answer once."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}"


@register.filter
def number(value):
    """A ratio or count without trailing zeros: Decimal("70.00") -> "70"."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


@register.simple_tag
def share_link(url, form):
    """The answer's link with only the calculator's own parameters: anything else in the address is dropped."""
    parts = urlsplit(url)
    known = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key in form.fields]
    return urlunsplit(parts._replace(query=urlencode(known)))


@register.simple_tag
def qr_svg(url, title):
    """The share link as an inline SVG QR code (residents pass links on through WeChat scans).

    "" when the link holds more than a QR code can: the page then says so, and the link itself still works.
    """
    try:
        code = segno.make(url, error="m")
    except segno.DataOverflowError:
        return ""
    svg = code.svg_inline(scale=3, border=2, title=title, svgclass="qr-code", lineclass=None, omitsize=False)
    return mark_safe(svg)


@register.simple_tag
def timeline_events(result):
    """The deadline answer's dates in calendar order, each with what happens and whether it is 'now'."""
    window = result.window
    events = [
        (window.start, "opens", result.window_status == "not_open"),
        (window.end, "ends", result.window_status == "open"),
        (window.late_deadline, "late_deadline", result.window_status == "late"),
        (datetime.date(window.coverage_year, 1, 1), "year_begins", False),
        (result.cover_starts, "cover_starts", False),
        (result.cover_ends, "year_ends", False),
    ]
    order = {code: index for index, (_day, code, _now) in enumerate(events)}
    return [
        {"date": day, "code": code, "is_now": now}
        for day, code, now in sorted((e for e in events if e[0] is not None), key=lambda e: (e[0], order[e[1]]))
    ]
