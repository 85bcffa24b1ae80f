"""QR codes of calculator answers, served as images from their own URL (residents pass links on through
WeChat scans).

The answer links to ``/<lang>/calculators/qr.svg?link=<the answer's path and query>`` with an
``<img loading="lazy">``, so neither the page nor the htmx partial draws a code: the phone asks for it
after the first paint, and a browser or shared cache keeps it for a day (a link's code never changes).
Only links to this site's calculator pages are drawn, so the URL cannot be used to make codes for
anything else.
"""

import io
from urllib.parse import urlsplit

import segno
from django.urls import Resolver404, resolve

DataOverflowError = segno.DataOverflowError
CALCULATORS = {"calculators:reimbursement", "calculators:deadline", "calculators:contribution"}
# The most a QR code holds (version 40, error correction M, bytes): a longer link has no code.
MAX_BYTES = 2331
MAX_LINK_LENGTH = 4000  # longer than any link that fits; read no further


def fits(url):
    """Whether a QR code can hold ``url`` (always encoded as bytes: a link has lower-case letters)."""
    return len(url.encode()) <= MAX_BYTES


def calculator_path(link):
    """``link`` when it is the path (and query) of one of this site's calculator pages, else None."""
    if not isinstance(link, str) or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    if len(link) > MAX_LINK_LENGTH or not link.isascii() or not link.isprintable():
        return None
    try:
        parts = urlsplit(link)
        match = resolve(parts.path)
    except (ValueError, Resolver404):
        return None
    if parts.scheme or parts.netloc or match.view_name not in CALCULATORS:
        return None
    return link


def svg(url, title):
    """The QR code of ``url`` as an SVG document (bytes) that scales to the box it is shown in; raises
    ``segno.DataOverflowError`` when it does not fit."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", xmldecl=False, scale=4, border=2, title=title,
                                    omitsize=True, lineclass=None, svgclass=None, light="#fff", encoding="utf-8")
    return out.getvalue()
