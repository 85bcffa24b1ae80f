"""Money helpers: Decimal only, rounded once, half up, to the fen."""

from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidInputError, InvalidRuleError

ZERO = Decimal("0")
FEN = Decimal("0.01")
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")


def to_fen(amount: Decimal) -> Decimal:
    """Round ``amount`` to the fen, half up. Call it once per result amount, at the end."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _as_decimal(value, name: str, error: type[ValueError]) -> Decimal:
    # bool is an int; float would bring binary noise into money, so both are refused.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise error(f"{name} must be a finite amount, got {value}")
    return value


def _amount(value, name: str, error) -> Decimal:
    value = _as_decimal(value, name, error)
    if value < ZERO:
        raise error(f"{name} must not be negative, got {value}")
    return value


def case_money(value, name: str) -> Decimal:
    """A money amount from a case: a Decimal (or int), not negative, in whole fen."""
    value = _amount(value, name, InvalidInputError)
    if value != value.quantize(FEN):
        raise InvalidInputError(f"{name} must be in whole fen (two decimal places at most), got {value}")
    return value


def rule_money(value, name: str) -> Decimal:
    """A money amount from a rule: a Decimal (or int), not negative."""
    return _amount(value, name, InvalidRuleError)


def rule_ratio(value, name: str) -> Decimal:
    """A percentage from a rule: 0 to 100."""
    value = rule_money(value, name)
    if value > HUNDRED:
        raise InvalidRuleError(f"{name} must be at most 100, got {value}")
    return value


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole`` with one decimal place (0.0 when ``whole`` is 0)."""
    if whole == ZERO:
        return Decimal("0.0")
    return (part * HUNDRED / whole).quantize(TENTH, rounding=ROUND_HALF_UP)
