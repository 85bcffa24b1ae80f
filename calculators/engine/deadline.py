"""When to pay, what it costs and when cover starts (national rule 国办发〔2024〕38号).

Window status on the payment date (``paid_on``):

* ``not_open`` - before ``window.start``. The answer then describes paying on the day the window
  opens (``window.start`` is used as the payment date for waiting periods and the newborn check).
* ``open`` - from ``start`` to ``end``, both included.
* ``late`` - after ``end`` up to ``late_deadline`` included (only when the window has one).
* ``closed`` - after that: no payment for this coverage year, so no amount and no cover - unless a
  newborn is still inside the newborn period, which does not depend on the window.

Waiting months:

* 0 for a newborn paying within ``policy.newborn_days`` of birth (a newborn paying later is treated
  as ``"new"``), and for a group in ``policy.exempt_groups``.
* A ``"lapsed"`` payer (gap in cover) always waits, whatever the window: ``fixed_months`` + variable
  months, variable = max(0, gap_years - free_gap_years) x months_per_gap_year
  - repaid_years x months_removed_per_repaid_year, never below 0.
* ``"continuous"`` and ``"new"`` payers wait 0 when paying before/in the window, and ``fixed_months``
  when paying late, except where ``window.late_cover == "year_start"``: there paying late is treated
  like paying on time (no waiting added for being late; a lapsed payer still waits as a lapsed payer).

Cover starts: with no waiting, 1 January of the coverage year (a newborn: the birth date if later);
with waiting, max(1 January, payment date) + waiting months (day of month clamped: 31 Jan + 1 month
is 28/29 Feb). Cover that would start after 31 December gives ``cover_starts=None`` and a step
``no_cover_this_year``. Cover always ends on 31 December of the coverage year.

Amount due: ``contribution.individual``, or ``contribution.late_individual`` when paying late and it
is set (a newborn inside the newborn period never pays the late amount); None without a contribution
or when the window is closed.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from .dates import add_months, year_end, year_start
from .errors import InvalidInputError, InvalidRuleError
from .money import to_fen
from .rules import Contribution, PaymentWindow, WaitingPolicy
from .steps import Step

STATUSES = ("continuous", "new", "lapsed", "newborn")
WINDOW_STATUSES = ("not_open", "open", "late", "closed")
LATE_COVER = ("after_waiting", "year_start")


@dataclass(frozen=True)
class DeadlineCase:
    """Who pays, for which coverage year, on which day.

    ``status``: ``"continuous"`` (insured last year), ``"new"`` (joining for the first time),
    ``"lapsed"`` (had cover before, then a gap), ``"newborn"`` (needs ``birth_date``).
    ``gap_years``: years without cover (lapsed only, at least 1); ``repaid_years``: how many of those
    years were paid back (lapsed only, at most ``gap_years``).
    """

    coverage_year: int
    paid_on: date
    status: str
    gap_years: int = 0
    repaid_years: int = 0
    birth_date: date | None = None
    group: str = "ordinary"


@dataclass(frozen=True)
class DeadlineResult:
    """``days_left``: for ``open``, (window.end - paid_on).days (0 on the last day); for ``late``,
    (late_deadline - paid_on).days; None for ``not_open`` and ``closed``.
    ``days_until_open``: for ``not_open``, (window.start - paid_on).days; None otherwise.
    """

    window: PaymentWindow
    window_status: str
    days_left: int | None
    days_until_open: int | None
    amount_due: Decimal | None
    waiting_months: int
    cover_starts: date | None
    cover_ends: date
    steps: tuple[Step, ...]

    @property
    def covered_this_year(self) -> bool:
        return self.cover_starts is not None

    @property
    def is_late(self) -> bool:
        return self.window_status == "late"


def _check_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _check_date(value, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _check_inputs(case: DeadlineCase, window: PaymentWindow, policy: WaitingPolicy, contribution) -> None:
    # The window and the policy.
    _check_date(window.start, "window.start")
    _check_date(window.end, "window.end")
    if window.start > window.end:
        raise InvalidRuleError(f"window starts {window.start} after it ends {window.end}")
    if window.late_deadline is not None:
        _check_date(window.late_deadline, "window.late_deadline")
        if window.late_deadline < window.end:
            raise InvalidRuleError(
                f"late deadline {window.late_deadline} is before the window end {window.end}"
            )
    if window.late_cover not in LATE_COVER:
        raise InvalidRuleError(f"late_cover must be one of {LATE_COVER}, got {window.late_cover!r}")
    for name in (
        "fixed_months",
        "months_per_gap_year",
        "free_gap_years",
        "months_removed_per_repaid_year",
        "newborn_days",
    ):
        if _check_int(getattr(policy, name), name) < 0:
            raise InvalidRuleError(f"{name} must not be negative")

    # The case.
    _check_int(case.coverage_year, "coverage_year")
    _check_date(case.paid_on, "paid_on")
    if case.coverage_year != window.coverage_year:
        raise InvalidInputError(f"case is for {case.coverage_year}, window for {window.coverage_year}")
    if case.status not in STATUSES:
        raise InvalidInputError(f"status must be one of {STATUSES}, got {case.status!r}")
    if _check_int(case.gap_years, "gap_years") < 0:
        raise InvalidInputError("gap_years must not be negative")
    if _check_int(case.repaid_years, "repaid_years") < 0:
        raise InvalidInputError("repaid_years must not be negative")
    if case.status == "lapsed":
        if case.gap_years < 1:
            raise InvalidInputError("a lapsed payer has at least one year without cover")
        if case.repaid_years > case.gap_years:
            raise InvalidInputError("cannot pay back more years than were missed")
    elif case.gap_years or case.repaid_years:
        raise InvalidInputError(
            f"gap_years and repaid_years only apply to lapsed payers, not {case.status!r}"
        )
    if not isinstance(case.group, str) or not case.group:
        raise InvalidInputError("group must be a non-empty string")
    if case.status == "newborn":
        if case.birth_date is None:
            raise InvalidInputError("a newborn needs a birth_date")
        _check_date(case.birth_date, "birth_date")
        if case.birth_date > case.paid_on:
            raise InvalidInputError("payment before birth")
        if case.birth_date > year_end(case.coverage_year):
            raise InvalidInputError("born after the coverage year")

    # The contribution.
    if contribution is not None:
        if contribution.coverage_year != case.coverage_year:
            raise InvalidInputError(
                f"contribution is for {contribution.coverage_year}, case for {case.coverage_year}"
            )
        if contribution.group != case.group:
            raise InvalidInputError(
                f"contribution is for group {contribution.group!r}, case for {case.group!r}"
            )


def _window_status(paid_on: date, window: PaymentWindow) -> str:
    if paid_on < window.start:
        return "not_open"
    if paid_on <= window.end:
        return "open"
    if window.late_deadline is not None and paid_on <= window.late_deadline:
        return "late"
    return "closed"


def calculate_deadline(
    case: DeadlineCase,
    window: PaymentWindow,
    policy: WaitingPolicy,
    contribution: Contribution | None = None,
) -> DeadlineResult:
    _check_inputs(case, window, policy, contribution)
    wsrc, psrc = window.source, policy.source
    first_day, last_day = year_start(case.coverage_year), year_end(case.coverage_year)
    steps: list[Step] = []

    # 1. Where the payment date falls.
    window_status = _window_status(case.paid_on, window)
    days_left = days_until_open = None
    params = {
        "start": window.start,
        "end": window.end,
        "late_deadline": window.late_deadline,
        "paid_on": case.paid_on,
    }
    if window_status == "not_open":
        days_until_open = (window.start - case.paid_on).days
        params["days_until_open"] = days_until_open
    elif window_status == "open":
        days_left = (window.end - case.paid_on).days
        params["days_left"] = days_left
    elif window_status == "late":
        days_left = (window.late_deadline - case.paid_on).days
        params["days_left"] = days_left
    steps.append(Step(f"window_{window_status}", None, params, wsrc))
    pay_date = window.start if window_status == "not_open" else case.paid_on

    # 2. Newborns.
    status = case.status
    newborn_covered = False
    if status == "newborn":
        newborn_last_day = case.birth_date + timedelta(days=policy.newborn_days)
        nparams = {
            "birth_date": case.birth_date,
            "newborn_days": policy.newborn_days,
            "last_day": newborn_last_day,
        }
        if pay_date <= newborn_last_day:
            newborn_covered = True
            steps.append(Step("newborn", None, nparams, psrc))
        else:
            status = "new"
            steps.append(Step("newborn_too_late", None, nparams, psrc))

    def result(amount_due, waiting, cover_starts):
        return DeadlineResult(
            window=window,
            window_status=window_status,
            days_left=days_left,
            days_until_open=days_until_open,
            amount_due=amount_due,
            waiting_months=waiting,
            cover_starts=cover_starts,
            cover_ends=last_day,
            steps=tuple(steps),
        )

    if window_status == "closed" and not newborn_covered:
        return result(None, 0, None)

    # 3. Waiting months.
    late = window_status == "late" and not newborn_covered
    if newborn_covered:
        waiting = 0
        steps.append(Step("no_waiting", None, {"reason": "newborn"}, psrc))
    elif case.group in policy.exempt_groups:
        waiting = 0
        steps.append(Step("no_waiting", None, {"reason": "exempt", "group": case.group}, psrc))
    elif status == "lapsed":
        steps.append(Step("waiting_fixed", None, {"months": policy.fixed_months, "reason": "lapsed"}, psrc))
        added = max(0, case.gap_years - policy.free_gap_years) * policy.months_per_gap_year
        steps.append(
            Step(
                "waiting_variable",
                None,
                {
                    "gap_years": case.gap_years,
                    "free_gap_years": policy.free_gap_years,
                    "months_per_gap_year": policy.months_per_gap_year,
                    "months": added,
                },
                psrc,
            )
        )
        variable = added
        if case.repaid_years:
            removed = min(added, case.repaid_years * policy.months_removed_per_repaid_year)
            variable = added - removed
            steps.append(
                Step(
                    "waiting_repaid",
                    None,
                    {
                        "repaid_years": case.repaid_years,
                        "months_removed_per_repaid_year": policy.months_removed_per_repaid_year,
                        "months": removed,
                    },
                    psrc,
                )
            )
        waiting = policy.fixed_months + variable
        steps.append(
            Step(
                "waiting_total",
                None,
                {"months": waiting, "fixed_months": policy.fixed_months, "variable_months": variable},
                psrc,
            )
        )
    elif late and window.late_cover == "after_waiting":
        waiting = policy.fixed_months
        steps.append(Step("waiting_fixed", None, {"months": waiting, "reason": "late"}, psrc))
        steps.append(
            Step(
                "waiting_total",
                None,
                {"months": waiting, "fixed_months": waiting, "variable_months": 0},
                psrc,
            )
        )
    elif late:
        waiting = 0
        steps.append(Step("no_waiting", None, {"reason": "late_cover_year_start"}, wsrc))
    else:
        waiting = 0
        steps.append(Step("no_waiting", None, {"reason": "on_time"}, psrc))

    # 4. Cover.
    if waiting == 0:
        cover_starts = base = max(first_day, case.birth_date) if newborn_covered else first_day
    else:
        base = max(first_day, pay_date)
        cover_starts = add_months(base, waiting)
    if cover_starts > last_day:
        steps.append(
            Step("no_cover_this_year", None, {"would_start": cover_starts, "year_end": last_day}, psrc)
        )
        cover_starts = None
    else:
        steps.append(
            Step("cover_starts", None, {"date": cover_starts, "from": base, "months": waiting}, psrc)
        )
        steps.append(Step("cover_ends", None, {"date": last_day}, wsrc))

    # 5. Amount due.
    amount_due = None
    if contribution is not None:
        pays_late_amount = late and contribution.late_individual is not None
        amount_due = to_fen(contribution.late_individual if pays_late_amount else contribution.individual)
        steps.append(
            Step(
                "amount_due",
                amount_due,
                {"late": pays_late_amount, "group": contribution.group, "subsidy": contribution.subsidy},
                contribution.source,
            )
        )

    return result(amount_due, waiting, cover_starts)
