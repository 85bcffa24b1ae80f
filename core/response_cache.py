"""Whole pages for anonymous readers, kept in the shared cache and served before any session or locale work.

What is kept: the answer to a GET without a session cookie and without ``as_of``, from a view named in
``settings.PORTAL_RESPONSE_CACHE_VIEWS`` (the public pages), when it is a 200 that sets no cookie, is not
marked private, no-store or no-cache, and varies only on what the key holds. The key: scheme, host,
language, path, the query string (parameters in order of name), the representation (``HX-Request``, JSON by
``Accept``, the calculators' form-shape header) and whether the reader takes gzip. Each representation is
kept as it is sent: the gzip one compressed once, when it is stored, never per request. Never kept: staff or
anyone with a session cookie (they are not even looked up), previews, POST and other methods, redirects,
404s, 503s and every other status, responses with ``Set-Cookie`` (a CSRF token was used) or ``Vary: Cookie``.

Sent with every kept page: a strong ``ETag`` (answered with 304 on ``If-None-Match``), ``Cache-Control:
public, max-age=60, stale-while-revalidate=300`` (never beyond the entry's own end), ``Vary: Accept-Encoding``
beside the view's own, and the Content-Security-Policy it was rendered with (the same for every reader: the
policy has no nonce). These pages carry no secret (no CSRF token, nothing of the reader), so compressing
them is safe from BREACH; nothing else is compressed here.

Invalidation rule
-----------------
* Content: each entry holds the content version (``core.content_version``) it was built under, read when
  the request started; a lookup reads the version and the entry in one round trip and serves the entry only
  when they match. Every save, delete, revert, import or fixture load of content bumps the version, so it
  shows on the next request on every app server. A page built while an edit committed is stored under the
  version read before, which the commit's bump has already made void.
* Time: an entry is not served at or after the next scheduled publishing moment (the first future
  ``publish_at`` of a published row of any ``Publishable`` model: guides, FAQs, revisions, every rule
  table; read with one query once per content version and kept in the cache beside it), after midnight in
  China (the calculators take today's date as their default), nor after ``PORTAL_RESPONSE_CACHE_SECONDS``.
  A due revision is then applied by ``ApplyDueRevisionsMiddleware`` on the first request that misses.
* Outage: without the shared cache the version is None and nothing is looked up or kept. A bump that could
  not reach the cache is retried by its process before it reads the version again, and until it succeeds
  that process keeps nothing. Should that process be gone first, the change shows once the app servers are
  restarted (a process serves only pages kept since it started, and each page it renders replaces the
  old entry for every server), and after ``PORTAL_RESPONSE_CACHE_SECONDS`` at the latest. So: after a Redis
  outage during which content was published, restart the app servers.

Turn it off with ``PORTAL_RESPONSE_CACHE_SECONDS=0``.
"""

import datetime
import gzip
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from core import content_version, outage
from core.dates import CHINA
from core.preview import AS_OF
from core.workflow import first_scheduled_after

BROWSER_MAX_AGE = 60  # seconds a phone or a CDN may keep a page without asking
STALE_WHILE_REVALIDATE = 300
MOMENT = "response-cache:next-moment"
PREFIX = "response-cache:page:"
# Request headers a kept page may vary on: the key holds each of them (the language is in the key too).
KEYED_HEADERS = {"accept", "hx-request", "x-calculator-form", "accept-encoding", "accept-language"}
MIN_COMPRESSED = 200  # bytes: below this gzip costs more than it saves
NOT_KEPT_CONTROLS = ("private", "no-store", "no-cache", "max-age=0")

_hit_actions = {}
STARTED = time.time()  # entries kept before this process started are not believed (see the outage rule)


def accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def on_hit(name, action):
    """Register ``action(*args)``, which a view asks to be repeated whenever its kept page is served."""
    _hit_actions[name] = action


def repeat_on_hit(response, name, *args):
    """What the view did for this reader that must happen for every reader (a read counted): run on each hit."""
    response._response_cache_hits = [*getattr(response, "_response_cache_hits", ()), (name, args)]


def key_for(request):
    """The cache key of this request's page, or None when it must not be looked up at all."""
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or AS_OF in request.GET:
        return None
    query = repr(sorted(request.GET.lists()))  # unambiguous, and cheaper than encoding it again
    headers = request.META
    material = "\n".join((
        request.scheme, request.get_host(), translation.get_language_from_request(request, check_path=True),
        request.path, query, "htmx" if headers.get("HTTP_HX_REQUEST") == "true" else "",
        headers.get("HTTP_X_CALCULATOR_FORM", ""), "json" if outage.wants_json(request) else "",
        "gzip" if accepts_gzip(request) else "",
    ))
    return PREFIX + hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


def keeps(request, response):
    """Whether the view's answer may be kept for every anonymous reader."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in settings.PORTAL_RESPONSE_CACHE_VIEWS:
        return False
    if response.status_code != 200 or response.streaming or response.cookies or response.has_header("Content-Encoding"):
        return False
    control = response.get("Cache-Control", "").replace(" ", "").lower()
    if any(word in control.split(",") for word in NOT_KEPT_CONTROLS):
        return False
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return vary <= KEYED_HEADERS


def next_moment(version, kept, at):
    """``first_scheduled_after(at)``, from ``kept`` (the cached entry) while it is still true.

    Not ``content_version.kept``: the entry comes in the same round trip as the version and the page
    (``current_with``), so a miss of the page costs no extra trip to the cache."""
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version and (kept[1] is None or at < kept[1]):
        return kept[1]
    moment = first_scheduled_after(at)
    cache.set(MOMENT, (version, moment), settings.PORTAL_RESPONSE_CACHE_SECONDS)
    return moment


def next_midnight_in_china(at):
    day = at.astimezone(CHINA).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=CHINA)


def cache_control(expires, now):
    seconds = max(0, min(BROWSER_MAX_AGE, int(expires - now)))
    return f"public, max-age={seconds}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


def entry_from(response, request, version, expires):
    """``(version, expires, headers, body, etag, hit actions, stored)``: the page as sent to this reader."""
    body = response.content
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = {name: value for name, value in response.items() if name.lower() not in ("content-length", "etag")}
    if accepts_gzip(request) and len(body) >= MIN_COMPRESSED:
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
        if len(compressed) < len(body):
            body = compressed
            headers["Content-Encoding"] = "gzip"
    etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
    return (version, expires, headers, body, etag, getattr(response, "_response_cache_hits", []), time.time())


def respond(request, entry, now):
    """The response for a kept entry: a 304 when the reader holds it already."""
    _version, expires, headers, body, etag, _hits, _stored = entry
    response = HttpResponse(body, headers=headers)
    response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    response["Cache-Control"] = cache_control(expires, now)
    if "HTTP_IF_NONE_MATCH" in request.META:
        return get_conditional_response(request, etag=etag, response=response)
    return response


class ResponseCacheMiddleware:
    """Placed right after the security and static-file middleware: a hit needs nothing further in (its
    Content-Security-Policy header is kept with it: the policy has no nonce, the same for every reader)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with content_version.read_once():  # one read of the version for the whole request
            return self.serve(request)

    def serve(self, request):
        seconds = settings.PORTAL_RESPONSE_CACHE_SECONDS
        key = key_for(request) if seconds else None
        if key is None:
            return self.get_response(request)
        version, found = content_version.current_with(key, MOMENT)
        entry = found.get(key)
        now = timezone.now().timestamp()  # the clock of the views and of publish_at, moved by tests alike
        if (version is not None and isinstance(entry, tuple) and len(entry) == 7 and entry[0] == version
                and now < entry[1] and entry[6] >= STARTED):
            for name, args in entry[5]:
                if name in _hit_actions:  # an entry from a release that had another action: nothing to repeat
                    _hit_actions[name](*args)
            return respond(request, entry, now)
        started = timezone.now()
        response = self.get_response(request)
        if version is None or not keeps(request, response):
            return response
        ends = [started.timestamp() + seconds, next_midnight_in_china(started).timestamp()]
        try:
            moment = next_moment(version, found.get(MOMENT), started)
        except Exception as error:
            if not outage.is_database_unavailable(error):
                raise
            return response  # robots.txt is served without the database; it is just not kept then
        if moment is not None:
            ends.append(moment.timestamp())
        expires = min(ends)
        now = timezone.now().timestamp()
        if expires <= now:
            return response
        entry = entry_from(response, request, version, expires)
        cache.set(key, entry, math.ceil(expires - now))
        return respond(request, entry, now)
