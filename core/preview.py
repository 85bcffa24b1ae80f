"""Staff previews: "the site as it will be on a chosen date".

Staff add ``?as_of=YYYY-MM-DD`` to a calculator or region page (guide pages may use the same
parameter) to see the rules as they will be at the start of that day in China: rules published
ahead of time with a later ``publish_at`` count, as they will then. Everyone else's ``as_of`` is
ignored, so a public link carrying one gives the same answer as without it.
"""

import datetime

from core.dates import CHINA, parse_day

AS_OF = "as_of"


def is_staff(request):
    """A logged-in staff member. Without a session cookie the session is never opened, so a reader's page does not
    vary by cookie and a shared cache may keep it."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key is None:
        return False  # no session cookie: reading the key alone does not open the session
    user = getattr(request, "user", None)
    return user is not None and user.is_staff


def preview_moment(request):
    """The moment a staff member previews (the start of the ``as_of`` day in Asia/Shanghai), or None.

    None for everyone who is not staff, when there is no ``as_of``, and when it is not a real date.
    The user is looked at only when ``as_of`` is given, so other pages do not vary by cookie.
    """
    value = request.GET.get(AS_OF)
    if not value:
        return None
    if not is_staff(request):
        return None
    day = parse_day(value)
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=CHINA)


def preview_day(moment):
    """The date of a preview moment in China (None stays None)."""
    return moment.astimezone(CHINA).date() if moment is not None else None
