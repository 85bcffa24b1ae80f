"""When to pay, what it costs and when cover starts (national rule 国办发〔2024〕38号).

Window status on the payment date (``paid_on``; ``codes.WindowStatus``):

* ``not_open`` - before ``window.start``. The answer then describes paying on the day the window
  opens (``window.start`` is used as the payment date for waiting periods and the newborn check).
* ``open`` - from ``start`` to ``end``, both included.
* ``late`` - after ``end``: joining is still possible, with the waiting period, up to the window's
  ``late_deadline`` where the region sets one, otherwise up to the end of the coverage year.
* ``closed`` - after that: no payment for this coverage year, so no amount and no cover - unless a
  newborn is still inside the newborn period, which does not depend on the window.

Days are counted from ``case.today`` (the payment date when not given): ``days_left`` to the end of the
period today falls in (the window's end, then the late period's end), ``days_until_open`` while the
window has not opened; None when nothing is left.

Waiting months:

* 0 for a newborn paying within ``policy.newborn_days`` of birth (a newborn paying later is treated
  as ``"new"``), and for a group in ``policy.exempt_groups``.
* A ``"lapsed"`` payer (gap in cover) always waits, whatever the window: ``fixed_months`` + variable
  months, variable = max(0, gap_years - free_gap_years) x months_per_gap_year
  - repaid_years x months_removed_per_repaid_year, never below 0; after a gap of ``long_gap_years`` or
  more the total is at least ``long_gap_min_months``.
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

from .codes import Enrolment, LateCover, NoWaitingReason, WaitingReason, WindowStatus
from .dates import add_months, year_end, year_start
from .errors import InvalidInputError, InvalidRuleError
from .money import to_fen
from .rules import Contribution, PaymentWindow, WaitingPolicy
from .steps import Step

POLICY_COUNTS = ("fixed_months", "months_per_gap_year", "free_gap_years", "months_removed_per_repaid_year",
                 "long_gap_min_months", "newborn_days")


@dataclass(frozen=True)
class DeadlineCase:
    """Who pays, for which coverage year, on which day.

    ``status``: a ``codes.Enrolment`` (``"newborn"`` needs ``birth_date``).
    ``gap_years``: years without cover (lapsed only, at least 1); ``repaid_years``: how many of those
    years were paid back (lapsed only, at most ``gap_years``). ``today``: the day the answer is given,
    which days are counted from (None: the payment date).
    """

    coverage_year: int
    paid_on: date
    status: str
    gap_years: int = 0
    repaid_years: int = 0
    birth_date: date | None = None
    group: str = "ordinary"
    today: date | None = None


@dataclass(frozen=True)
class DeadlineResult:
    """``window_status`` on the payment date; ``days_left``/``days_until_open`` from today (see the module)."""

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
        return self.window_status == WindowStatus.LATE

    @property
    def late_until(self) -> date:
        """The last day joining late is possible for this coverage year."""
        return late_until(self.window)


def late_until(window: PaymentWindow) -> date:
    return window.late_deadline or year_end(window.coverage_year)


def _check_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _check_date(value, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _check_rules(window: PaymentWindow, policy: WaitingPolicy) -> None:
    _check_date(window.start, "window.start")
    _check_date(window.end, "window.end")
    if window.start > window.end:
        raise InvalidRuleError(f"window starts {window.start} after it ends {window.end}")
    if window.late_deadline is not None:
        _check_date(window.late_deadline, "window.late_deadline")
        if window.late_deadline < window.end:
            raise InvalidRuleError(f"late deadline {window.late_deadline} is before the window end {window.end}")
    if window.late_cover not in LateCover:
        raise InvalidRuleError(f"late_cover must be one of {list(LateCover)}, got {window.late_cover!r}")
    for name in POLICY_COUNTS:
        if _check_int(getattr(policy, name), name) < 0:
            raise InvalidRuleError(f"{name} must not be negative")
    if policy.long_gap_years is not None and _check_int(policy.long_gap_years, "long_gap_years") < 1:
        raise InvalidRuleError("long_gap_years must be at least 1")


def _check_case(case: DeadlineCase, window: PaymentWindow, contribution: Contribution | None) -> None:
    _check_int(case.coverage_year, "coverage_year")
    _check_date(case.paid_on, "paid_on")
    if case.today is not None:
        _check_date(case.today, "today")
    if case.coverage_year != window.coverage_year:
        raise InvalidInputError(f"case is for {case.coverage_year}, window for {window.coverage_year}")
    if case.status not in Enrolment:
        raise InvalidInputError(f"status must be one of {list(Enrolment)}, got {case.status!r}")
    if _check_int(case.gap_years, "gap_years") < 0:
        raise InvalidInputError("gap_years must not be negative")
    if _check_int(case.repaid_years, "repaid_years") < 0:
        raise InvalidInputError("repaid_years must not be negative")
    if case.status == Enrolment.LAPSED:
        if case.gap_years < 1:
            raise InvalidInputError("a lapsed payer has at least one year without cover")
        if case.repaid_years > case.gap_years:
            raise InvalidInputError("cannot pay back more years than were missed")
    elif case.gap_years or case.repaid_years:
        raise InvalidInputError(f"gap_years and repaid_years only apply to lapsed payers, not {case.status!r}")
    if not isinstance(case.group, str) or not case.group:
        raise InvalidInputError("group must be a non-empty string")
    if case.status == Enrolment.NEWBORN:
        if case.birth_date is None:
            raise InvalidInputError("a newborn needs a birth_date")
        _check_date(case.birth_date, "birth_date")
        if case.birth_date > case.paid_on:
            raise InvalidInputError("payment before birth")
        if case.birth_date > year_end(case.coverage_year):
            raise InvalidInputError("born after the coverage year")
    if contribution is not None:
        if contribution.coverage_year != case.coverage_year:
            raise InvalidInputError(f"contribution is for {contribution.coverage_year}, case for {case.coverage_year}")
        if contribution.group != case.group:
            raise InvalidInputError(f"contribution is for group {contribution.group!r}, case for {case.group!r}")


# ---------------------------------------------------------------------------
# The steps, in the order the answer explains them


def window_status(day: date, window: PaymentWindow) -> WindowStatus:
    """Where ``day`` falls for the window's coverage year."""
    if day < window.start:
        return WindowStatus.NOT_OPEN
    if day <= window.end:
        return WindowStatus.OPEN
    if day <= late_until(window):
        return WindowStatus.LATE
    return WindowStatus.CLOSED


def days_from(today: date, window: PaymentWindow) -> tuple[int | None, int | None]:
    """``(days_left, days_until_open)`` counted from ``today``."""
    status = window_status(today, window)
    if status == WindowStatus.NOT_OPEN:
        return None, (window.start - today).days
    if status == WindowStatus.OPEN:
        return (window.end - today).days, None
    if status == WindowStatus.LATE:
        return (late_until(window) - today).days, None
    return None, None


def timing_step(case: DeadlineCase, window: PaymentWindow, status: WindowStatus,
                days_left: int | None, days_until_open: int | None) -> Step:
    params = {"start": window.start, "end": window.end, "late_deadline": window.late_deadline,
              "paid_on": case.paid_on}
    if status == WindowStatus.NOT_OPEN:
        params["days_until_open"] = days_until_open
    elif status in (WindowStatus.OPEN, WindowStatus.LATE):
        params["days_left"] = days_left
    return Step(f"window_{status}", None, params, window.source)


def newborn_check(case: DeadlineCase, policy: WaitingPolicy, pay_date: date) -> tuple[bool, Step | None]:
    """Whether a newborn is enrolled within the newborn period (then covered from birth, no waiting)."""
    if case.status != Enrolment.NEWBORN:
        return False, None
    last_day = case.birth_date + timedelta(days=policy.newborn_days)
    params = {"birth_date": case.birth_date, "newborn_days": policy.newborn_days, "last_day": last_day}
    if pay_date <= last_day:
        return True, Step("newborn", None, params, policy.source)
    return False, Step("newborn_too_late", None, params, policy.source)


def lapsed_waiting(case: DeadlineCase, policy: WaitingPolicy) -> tuple[int, list[Step]]:
    """Fixed plus variable months after a break, less the months paid back, with the long-break floor."""
    source = policy.source
    steps = [Step("waiting_fixed", None, {"months": policy.fixed_months, "reason": WaitingReason.LAPSED}, source)]
    added = max(0, case.gap_years - policy.free_gap_years) * policy.months_per_gap_year
    steps.append(Step("waiting_variable", None, {
        "gap_years": case.gap_years, "free_gap_years": policy.free_gap_years,
        "months_per_gap_year": policy.months_per_gap_year, "months": added,
    }, source))
    variable = added
    if case.repaid_years:
        removed = min(added, case.repaid_years * policy.months_removed_per_repaid_year)
        variable = added - removed
        steps.append(Step("waiting_repaid", None, {
            "repaid_years": case.repaid_years,
            "months_removed_per_repaid_year": policy.months_removed_per_repaid_year, "months": removed,
        }, source))
    waiting = policy.fixed_months + variable
    if policy.long_gap_years is not None and case.gap_years >= policy.long_gap_years \
            and waiting < policy.long_gap_min_months:
        steps.append(Step("waiting_floor", None, {
            "gap_years": case.gap_years, "long_gap_years": policy.long_gap_years,
            "min_months": policy.long_gap_min_months, "before": waiting,
        }, source))
        variable += policy.long_gap_min_months - waiting
        waiting = policy.long_gap_min_months
    steps.append(Step("waiting_total", None,
                      {"months": waiting, "fixed_months": policy.fixed_months, "variable_months": variable},
                      source))
    return waiting, steps


def waiting_months(case: DeadlineCase, window: PaymentWindow, policy: WaitingPolicy, *, late: bool,
                   newborn_covered: bool, status: str) -> tuple[int, list[Step]]:
    """How many months pass before benefits start, and why."""
    if newborn_covered:
        return 0, [Step("no_waiting", None, {"reason": NoWaitingReason.NEWBORN}, policy.source)]
    if case.group in policy.exempt_groups:
        return 0, [Step("no_waiting", None, {"reason": NoWaitingReason.EXEMPT, "group": case.group},
                        policy.source)]
    if status == Enrolment.LAPSED:
        return lapsed_waiting(case, policy)
    if late and window.late_cover == LateCover.AFTER_WAITING:
        months = policy.fixed_months
        return months, [
            Step("waiting_fixed", None, {"months": months, "reason": WaitingReason.LATE}, policy.source),
            Step("waiting_total", None, {"months": months, "fixed_months": months, "variable_months": 0},
                 policy.source),
        ]
    if late:
        return 0, [Step("no_waiting", None, {"reason": NoWaitingReason.LATE_COVER_YEAR_START}, window.source)]
    return 0, [Step("no_waiting", None, {"reason": NoWaitingReason.ON_TIME}, policy.source)]


def cover(case: DeadlineCase, window: PaymentWindow, policy: WaitingPolicy, *, waiting: int,
          newborn_covered: bool, pay_date: date) -> tuple[date | None, list[Step]]:
    """The day cover starts (None: not in this coverage year)."""
    first_day, last_day = year_start(case.coverage_year), year_end(case.coverage_year)
    if waiting == 0:
        cover_starts = base = max(first_day, case.birth_date) if newborn_covered else first_day
    else:
        base = max(first_day, pay_date)
        cover_starts = add_months(base, waiting)
    if cover_starts > last_day:
        return None, [Step("no_cover_this_year", None, {"would_start": cover_starts, "year_end": last_day},
                           policy.source)]
    return cover_starts, [
        Step("cover_starts", None, {"date": cover_starts, "from": base, "months": waiting}, policy.source),
        Step("cover_ends", None, {"date": last_day}, window.source),
    ]


def amount_due(contribution: Contribution | None, *, late: bool) -> tuple[Decimal | None, list[Step]]:
    if contribution is None:
        return None, []
    pays_late_amount = late and contribution.late_individual is not None
    amount = to_fen(contribution.late_individual if pays_late_amount else contribution.individual)
    return amount, [Step("amount_due", amount,
                         {"late": pays_late_amount, "group": contribution.group, "subsidy": contribution.subsidy,
                          "subsidy_is_minimum": contribution.subsidy_is_minimum},
                         contribution.source)]


def calculate_deadline(
    case: DeadlineCase,
    window: PaymentWindow,
    policy: WaitingPolicy,
    contribution: Contribution | None = None,
) -> DeadlineResult:
    _check_rules(window, policy)
    _check_case(case, window, contribution)
    status = window_status(case.paid_on, window)
    days_left, days_until_open = days_from(case.today or case.paid_on, window)
    steps = [timing_step(case, window, status, days_left, days_until_open)]
    pay_date = window.start if status == WindowStatus.NOT_OPEN else case.paid_on

    newborn_covered, newborn_step = newborn_check(case, policy, pay_date)
    if newborn_step is not None:
        steps.append(newborn_step)
    enrolment = Enrolment.NEW if case.status == Enrolment.NEWBORN and not newborn_covered else case.status

    def result(amount, waiting, cover_starts):
        return DeadlineResult(window=window, window_status=status, days_left=days_left,
                              days_until_open=days_until_open, amount_due=amount, waiting_months=waiting,
                              cover_starts=cover_starts, cover_ends=year_end(case.coverage_year),
                              steps=tuple(steps))

    if status == WindowStatus.CLOSED and not newborn_covered:
        return result(None, 0, None)

    late = status == WindowStatus.LATE and not newborn_covered
    waiting, waiting_steps = waiting_months(case, window, policy, late=late, newborn_covered=newborn_covered,
                                            status=enrolment)
    cover_starts, cover_steps = cover(case, window, policy, waiting=waiting, newborn_covered=newborn_covered,
                                      pay_date=pay_date)
    amount, amount_steps = amount_due(contribution, late=late)
    steps += waiting_steps + cover_steps + amount_steps
    return result(amount, waiting, cover_starts)
