"""The codes answers are made of, shared by the engine, the forms, the models, the JSON and the templates.

They are ``StrEnum`` members, so each one is also the plain string that travels in links, JSON and
database rows (``WindowStatus.OPEN == "open"``); a misspelt code fails where it is written instead of
silently never matching.
"""

from enum import StrEnum


class WindowStatus(StrEnum):
    """Where a payment date falls for a coverage year."""

    NOT_OPEN = "not_open"  # before the centralized period opens
    OPEN = "open"  # inside the centralized period
    LATE = "late"  # after it: joining is still possible, with the waiting period
    CLOSED = "closed"  # after the region's last day for late joining, or after the coverage year


class Enrolment(StrEnum):
    """The resident's situation in the deadline calculator."""

    CONTINUOUS = "continuous"  # insured last year too
    NEW = "new"  # joining for the first time
    LAPSED = "lapsed"  # insured before, then a break
    NEWBORN = "newborn"


class LateCover(StrEnum):
    AFTER_WAITING = "after_waiting"  # late payers are covered after the waiting period
    YEAR_START = "year_start"  # late payers are covered from 1 January


class DeductiblePer(StrEnum):
    ADMISSION = "admission"
    YEAR = "year"


class NoWaitingReason(StrEnum):
    ON_TIME = "on_time"
    EXEMPT = "exempt"
    NEWBORN = "newborn"
    LATE_COVER_YEAR_START = "late_cover_year_start"


class WaitingReason(StrEnum):
    LATE = "late"
    LAPSED = "lapsed"
