"""Reader feedback: "Was this page useful? Yes / No", with an optional comment.

What is stored is the page, its language, the answer, the comment and the time: nothing about
the reader. No IP address, user agent, user id or cookie id ever reaches the database.

Forged posts: the form carries no CSRF cookie token (a cookie on every public page would keep shared
caches from storing them). Instead a post must carry a signed form token that this site rendered in the
last few days, and, when the browser says where it comes from (Origin, else Referer), come from this site.

Flood control needs to recognise a client for one minute, so it keeps a counter in the cache
under a salted hash of the client address (see ``is_flood``). That hash lives only in the cache,
expires after 60 seconds and is never written to the database.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language_from_path

from core.cache import CacheUnavailable
from core.client import client_address
from core.middleware import strip_control_characters
from guides.models import COMMENT_MAX_LENGTH, PAGE_MAX_LENGTH, Feedback

logger = logging.getLogger(__name__)

# A posted page may carry the calculator's answers in its query string; anything longer is not ours.
POSTED_PAGE_MAX_LENGTH = 2000

FORM_TOKEN_SALT = "guides.feedback.form-token"
FORM_TOKEN_DAYS = 3  # longer than any page is cached, so a cached form still posts

FLOOD_LIMIT = 5  # posts per client per window; the next one is refused
FLOOD_WINDOW = 60  # seconds


# URL names of the pages that ask for feedback, and what kind of page each is.
PAGE_KINDS = {
    "guides:detail": Feedback.PageKind.GUIDE,
    "guides:faq": Feedback.PageKind.FAQ,
    "calculators:reimbursement": Feedback.PageKind.CALCULATOR,
    "calculators:deadline": Feedback.PageKind.CALCULATOR,
    "calculators:contribution": Feedback.PageKind.CALCULATOR,
}


@dataclass(frozen=True)
class Page:
    path: str  # canonical path, as stored: /ru/guides/how-to-pay/
    kind: str
    language: str
    query: str  # kept only to send a reader without JavaScript back to the same answer; never stored


def resolve_page(value):
    """The page a feedback form was posted from, or None if it is not a page that asks for feedback."""
    value = strip_control_characters(value or "").strip()
    if not value or len(value) > POSTED_PAGE_MAX_LENGTH or "\\" in value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return None
    language = get_language_from_path(path)
    if language not in dict(settings.LANGUAGES):
        return None
    with translation.override(language):  # i18n_patterns only match the active language's prefix
        try:
            match = resolve(path)
        except Resolver404:
            return None
        kind = PAGE_KINDS.get(match.view_name)
        if kind is None:
            return None
        if kind == Feedback.PageKind.GUIDE:
            from guides.models import Guide

            # A draft's address is refused exactly like an unknown one: feedback is no way to find drafts.
            if not Guide.objects.published().filter(slug=match.kwargs.get("slug")).exists():
                return None
        canonical = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    if len(canonical) > PAGE_MAX_LENGTH:
        return None
    return Page(canonical, kind, language, parts.query)


def clean_comment(value):
    """(comment, was_shortened): line breaks as one character each, at most COMMENT_MAX_LENGTH."""
    text = strip_control_characters((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) <= COMMENT_MAX_LENGTH:
        return text, False
    return text[:COMMENT_MAX_LENGTH].rstrip(), True


def form_token(today=None):
    """A signed token naming the day it was made: the same all day, so it does not make cached pages differ."""
    day = (today or datetime.date.today()).toordinal()
    return signing.dumps(day, salt=FORM_TOKEN_SALT)


def is_forged(request):
    """True for a post that did not come from a form this site rendered recently, or that a browser says came from
    another site."""
    try:
        day = signing.loads(request.POST.get("form_token", ""), salt=FORM_TOKEN_SALT)
    except signing.BadSignature:
        return True
    if not isinstance(day, int) or not 0 <= datetime.date.today().toordinal() - day <= FORM_TOKEN_DAYS:
        return True
    return not from_this_site(request)


def from_this_site(request):
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # nothing to compare (a client that sends neither is not a browser tricked by another site)
    parts = urlsplit(origin)
    if not parts.scheme or not parts.netloc:
        return False
    if f"{parts.scheme}://{parts.netloc}" in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return parts.netloc == request.get_host() and parts.scheme == request.scheme


_local_counts = {}  # address key -> (window start, count): the fallback when the shared cache is down
_local_lock = threading.Lock()
_last_fallback_warning = 0.0


def is_flood(request):
    """Count this client's posts for a minute; True once it has sent more than FLOOD_LIMIT.

    The key is an HMAC of the client address salted with SECRET_KEY, so the cache holds no
    address and the address cannot be recovered by hashing every possible IP. It is kept only in
    the cache for FLOOD_WINDOW seconds and never stored in the database.

    The count lives in the shared cache, so every app server counts the same posts. When that cache
    cannot be reached, each process counts on its own (a looser limit, not none) and says so in the log.

    The address is ``core.client.client_address``: behind a reverse proxy, the header the proxy sets.
    """
    key = "feedback-flood:" + salted_hmac("guides.feedback.flood", client_address(request) or "unknown",
                                          algorithm="sha256").hexdigest()
    cache.add(key, 0, FLOOD_WINDOW)  # starts the one-minute window on the first post
    try:
        count = cache.incr(key)
    except CacheUnavailable:
        count = count_in_this_process(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, FLOOD_WINDOW)
        count = 1
    return count > FLOOD_LIMIT


def count_in_this_process(key):
    global _last_fallback_warning
    now = time.monotonic()
    with _local_lock:
        for stale in [k for k, (start, _count) in _local_counts.items() if now - start >= FLOOD_WINDOW]:
            del _local_counts[stale]
        start, count = _local_counts.get(key, (now, 0))
        _local_counts[key] = (start, count + 1)
        warn = now - _last_fallback_warning >= FLOOD_WINDOW
        if warn:
            _last_fallback_warning = now
    if warn:
        logger.warning("Feedback flood limit counted per process: the shared cache is unavailable.")
    return count + 1
