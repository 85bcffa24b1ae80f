"""What the basic fund and serious-illness insurance pay for one visit or admission.

The working, in order (each part is a :class:`~calculators.engine.steps.Step`):

1. ``deductible`` - the patient first pays the deductible: all of it per admission, or, for a
   yearly deductible, only what is not yet met this year.
2. ``bonus_signed`` / ``bonus_mountain`` - percentage points added to every band's ratio, only for a
   patient signed with (or who chose) a primary institution: the signed bonus, or at a mountain-area
   township health centre the mountain bonus instead of it (never both); ``bonus_needs_signing`` when
   the rule has a bonus but the patient is not signed. A band's ratio never goes above 100.
3. ``band`` - the in-policy cost above the deductible is sliced by the rule's bands. Basic bands are
   measured on the amount above the deductible (a flat ratio is one band from 0 with no upper end):
   band 0-10,000 at 60% pays 60% of the first 10,000 above the deductible.
4. ``annual_limit`` - the fund pays at most ``annual_limit - paid_this_year`` (never below 0); where the
   rule says supplementary large-amount insurance pays above the limit, the step says so
   (``supplementary``) and that part is not calculated.
5. ``fund_total`` - what the fund pays, rounded to the fen.
6. ``serious_deductible`` / ``serious_band`` / ``serious_cap`` / ``serious_total`` - serious-illness
   insurance takes what the fund left the patient (cost - fund). Its bands are ABSOLUTE amounts of
   the patient's yearly burden: with a deductible of 13,000 and a band 13,000-100,000 at 60%, the part
   of the burden between 13,000 and 100,000 is paid at 60%. A reduced deductible (for
   ``reduced_groups``) stretches the first band down to it: with 5,000 instead of 13,000, the burden
   from 5,000 to 100,000 is paid at 60%. Burden above the last band's upper end, or in a gap between
   bands, is not paid. The total is capped at ``annual_cap - serious_paid_this_year``.
7. ``you_pay`` - the rest.

Rounding: each payer's amount is rounded once, half up, to the fen, when it is settled - the fund's
share at the end of its stage, serious illness on what the fund actually left (as real settlement
does). That keeps ``fund_pays + serious_illness_pays + you_pay == cost`` exact, nothing negative, and
both paid amounts non-decreasing in the cost. Amounts inside ``band``/``serious_band``/cut steps are
exact (unrounded); format them for display.
"""

from dataclasses import dataclass
from decimal import Decimal

from .codes import DeductiblePer
from .errors import InvalidInputError, InvalidRuleError
from .money import HUNDRED, ZERO, case_money, percent_of, rule_money, rule_ratio, to_fen
from .rules import Band, BenefitRule, SeriousIllnessRule
from .steps import Step



@dataclass(frozen=True)
class ReimbursementCase:
    """One visit or admission, with what already happened this year.

    All amounts are in yuan, in whole fen, not negative.

    ``cost``: the in-policy cost of this visit/admission.
    ``paid_this_year``: what the basic fund already paid this year for this kind of care (counts
    against the rule's ``annual_limit``).
    ``deductible_met_this_year``: for yearly deductibles, how much of it is already met.
    ``group``: the person's group code (``"ordinary"``, ``"low_income"``, ``"extreme_poverty"``...);
    decides the serious-illness reduced deductible.
    ``signed``: signed up with a family doctor; ``mountain``: treated in a mountain-area facility.
    ``serious_paid_this_year``: what serious-illness insurance already paid this year (against its cap).
    ``serious_burden_this_year``: (extra field, default 0) the in-policy burden the patient already
    carried this year after the basic fund, which serious-illness insurance counts towards its yearly
    deductible and bands; this case's burden is placed on top of it.
    """

    cost: Decimal
    paid_this_year: Decimal = Decimal("0")
    deductible_met_this_year: Decimal = Decimal("0")
    group: str = "ordinary"
    signed: bool = False
    mountain: bool = False
    serious_paid_this_year: Decimal = Decimal("0")
    serious_burden_this_year: Decimal = Decimal("0")


@dataclass(frozen=True)
class ReimbursementResult:
    """Who pays what of ``cost``. The three parts add up to ``cost`` exactly, to the fen."""

    cost: Decimal
    fund_pays: Decimal
    serious_illness_pays: Decimal
    you_pay: Decimal
    steps: tuple[Step, ...]
    rule: BenefitRule
    serious_rule: SeriousIllnessRule | None = None

    @property
    def covered(self) -> Decimal:
        """Fund plus serious-illness insurance."""
        return self.fund_pays + self.serious_illness_pays

    # Percentages of the cost with one decimal place, for the bar chart. They are taken cumulatively
    # from the rounded amounts, so they are never negative and add up to exactly 100.0 (all 0.0 when
    # the cost is 0).
    @property
    def fund_percent(self) -> Decimal:
        return percent_of(self.fund_pays, self.cost)

    @property
    def serious_percent(self) -> Decimal:
        return percent_of(self.covered, self.cost) - self.fund_percent

    @property
    def you_percent(self) -> Decimal:
        if self.cost == ZERO:
            return Decimal("0.0")
        return HUNDRED - percent_of(self.covered, self.cost)

    @property
    def covered_percent(self) -> Decimal:
        return percent_of(self.covered, self.cost)


def check_bands(bands, name: str) -> tuple[Band, ...]:
    """Bands must be ascending, not overlapping, with ratios 0-100; only the last may be open-ended."""
    bands = tuple(bands)
    if not bands:
        raise InvalidRuleError(f"{name}: at least one band is needed")
    previous_upper = ZERO
    for i, band in enumerate(bands):
        lower = rule_money(band.lower, f"{name}[{i}].lower")
        rule_ratio(band.ratio, f"{name}[{i}].ratio")
        if lower < previous_upper:
            raise InvalidRuleError(f"{name}[{i}] starts at {lower}, inside the band before it")
        if band.upper is None:
            if i != len(bands) - 1:
                raise InvalidRuleError(f"{name}[{i}] has no upper end but is not the last band")
        else:
            upper = rule_money(band.upper, f"{name}[{i}].upper")
            if upper <= lower:
                raise InvalidRuleError(f"{name}[{i}]: upper {upper} is not above lower {lower}")
            previous_upper = upper
    return bands


def _check_benefit_rule(rule: BenefitRule) -> None:
    rule_money(rule.deductible, "deductible")
    if rule.deductible_per not in DeductiblePer:
        raise InvalidRuleError(f"deductible_per must be one of {list(DeductiblePer)}, got {rule.deductible_per!r}")
    check_bands(rule.bands, "bands")
    if rule.annual_limit is not None:
        rule_money(rule.annual_limit, "annual_limit")
    rule_money(rule.signed_bonus, "signed_bonus")
    rule_money(rule.mountain_bonus, "mountain_bonus")


def _check_serious_rule(rule: SeriousIllnessRule) -> None:
    rule_money(rule.deductible, "serious deductible")
    if rule.reduced_deductible is not None:
        rule_money(rule.reduced_deductible, "serious reduced_deductible")
    check_bands(rule.bands, "serious bands")
    if rule.annual_cap is not None:
        rule_money(rule.annual_cap, "serious annual_cap")


def _overlap(lower: Decimal, upper: Decimal | None, start: Decimal, end: Decimal) -> tuple[Decimal, Decimal]:
    """The part of [start, end] inside [lower, upper] (upper None: no end), as (from, to).

    Empty when from >= to.
    """
    lo = max(lower, start)
    hi = end if upper is None else min(upper, end)
    return lo, hi


def deductible(case: ReimbursementCase, rule: BenefitRule, cost: Decimal) -> tuple[Decimal, Step]:
    """How much of this bill is the patient's deductible."""
    if rule.deductible_per == DeductiblePer.ADMISSION:
        left = rule.deductible
    else:
        left = max(ZERO, rule.deductible - case.deductible_met_this_year)
    applied = min(cost, left)
    params = {"deductible": rule.deductible, "per": rule.deductible_per, "remaining": left}
    if rule.deductible_per == DeductiblePer.YEAR:
        params["already_met"] = case.deductible_met_this_year
    return applied, Step("deductible", applied, params, rule.source)


def bonus_points(case: ReimbursementCase, rule: BenefitRule) -> tuple[Decimal, list[Step]]:
    """Points added to every band: the signed bonus, or the mountain bonus instead of it."""
    has_bonus = rule.signed_bonus > ZERO or rule.mountain_bonus > ZERO
    if not case.signed:
        if has_bonus and case.mountain:
            return ZERO, [Step("bonus_needs_signing", None, {}, rule.source)]
        return ZERO, []
    if case.mountain and rule.mountain_bonus > ZERO:
        return rule.mountain_bonus, [Step("bonus_mountain", None, {"points": rule.mountain_bonus}, rule.source)]
    if rule.signed_bonus > ZERO:
        return rule.signed_bonus, [Step("bonus_signed", None, {"points": rule.signed_bonus}, rule.source)]
    return ZERO, []


def fund_bands(rule: BenefitRule, above: Decimal, bonus: Decimal) -> tuple[Decimal, list[Step]]:
    """What the fund pays on ``above`` (the cost above the deductible), band by band (exact, unrounded)."""
    fund, steps = ZERO, []
    for band in rule.bands:
        lo, hi = _overlap(band.lower, band.upper, ZERO, above)
        if hi <= lo:
            continue
        ratio = min(HUNDRED, band.ratio + bonus)
        pay = (hi - lo) * ratio / HUNDRED
        fund += pay
        steps.append(Step("band", pay, {"lower": band.lower, "upper": band.upper, "base_ratio": band.ratio,
                                        "bonus": bonus, "ratio": ratio, "base": hi - lo}, rule.source))
    return fund, steps


def annual_limit(rule: BenefitRule, fund: Decimal, paid_this_year: Decimal) -> tuple[Decimal, list[Step]]:
    if rule.annual_limit is None:
        return fund, []
    available = max(ZERO, rule.annual_limit - paid_this_year)
    if fund <= available:
        return fund, []
    params = {"limit": rule.annual_limit, "paid_this_year": paid_this_year, "available": available,
              "before": fund, "supplementary": rule.supplementary_above_limit}
    return available, [Step("annual_limit", fund - available, params, rule.source)]


def serious_illness(case: ReimbursementCase, rule: SeriousIllnessRule, burden: Decimal) -> tuple[Decimal, list[Step]]:
    """What serious-illness insurance pays on ``burden`` (what the fund left), rounded to the fen."""
    source = rule.source
    burden_before = case.serious_burden_this_year
    reduced = case.group in rule.reduced_groups and rule.reduced_deductible is not None
    applied_deductible = rule.reduced_deductible if reduced else rule.deductible
    start, end = burden_before, burden_before + burden
    steps = [Step("serious_deductible", applied_deductible, {
        "deductible": applied_deductible, "standard_deductible": rule.deductible, "reduced": reduced,
        "group": case.group, "burden": burden, "burden_before": burden_before,
    }, source)]
    serious = ZERO
    for i, band in enumerate(rule.bands):
        # The first band starts at the deductible that applies (a reduced one stretches it down).
        lower = applied_deductible if i == 0 else max(band.lower, applied_deductible)
        if band.upper is not None and band.upper <= lower:
            continue  # the whole band lies below the deductible
        lo, hi = _overlap(lower, band.upper, start, end)
        if hi <= lo:
            continue
        pay = (hi - lo) * band.ratio / HUNDRED
        serious += pay
        steps.append(Step("serious_band", pay, {"lower": lower, "upper": band.upper, "ratio": band.ratio,
                                                "from": lo, "to": hi, "base": hi - lo}, source))
    if rule.annual_cap is not None:
        available = max(ZERO, rule.annual_cap - case.serious_paid_this_year)
        if serious > available:
            steps.append(Step("serious_cap", serious - available, {
                "cap": rule.annual_cap, "paid_this_year": case.serious_paid_this_year, "available": available,
                "before": serious,
            }, source))
            serious = available
    serious_pays = to_fen(serious)
    steps.append(Step("serious_total", serious_pays, {}, source))
    return serious_pays, steps


def _check_case(case: ReimbursementCase) -> Decimal:
    for name in ("paid_this_year", "deductible_met_this_year", "serious_paid_this_year", "serious_burden_this_year"):
        case_money(getattr(case, name), name)
    if not isinstance(case.group, str) or not case.group:
        raise InvalidInputError("group must be a non-empty string")
    return case_money(case.cost, "cost")


def calculate_reimbursement(
    case: ReimbursementCase, rule: BenefitRule, serious_rule: SeriousIllnessRule | None = None
) -> ReimbursementResult:
    cost = _check_case(case)
    _check_benefit_rule(rule)
    if serious_rule is not None:
        _check_serious_rule(serious_rule)

    applied, deductible_step = deductible(case, rule, cost)
    bonus, bonus_steps = bonus_points(case, rule)
    fund, band_steps = fund_bands(rule, cost - applied, bonus)
    fund, limit_steps = annual_limit(rule, fund, case.paid_this_year)
    fund_pays = to_fen(fund)
    steps = [deductible_step, *bonus_steps, *band_steps, *limit_steps, Step("fund_total", fund_pays, {}, rule.source)]

    serious_pays = ZERO
    if serious_rule is not None:
        serious_pays, serious_steps = serious_illness(case, serious_rule, cost - fund_pays)
        steps += serious_steps

    you_pay = to_fen(cost - fund_pays - serious_pays)
    steps.append(Step("you_pay", you_pay, {}, None))
    return ReimbursementResult(
        cost=to_fen(cost),
        fund_pays=fund_pays,
        serious_illness_pays=serious_pays,
        you_pay=you_pay,
        steps=tuple(steps),
        rule=rule,
        serious_rule=serious_rule,
    )
