"""Policy rules as the engine sees them: already chosen for one case, region and date."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class SourceRef:
    """Where a rule comes from, so every step of an answer can cite it."""

    title: str
    issuer: str = ""
    document_number: str = ""
    url: str = ""
    checked_on: date | None = None


@dataclass(frozen=True)
class Band:
    """A slice of an amount, from ``lower`` up to ``upper`` (None: no upper end), paid at ``ratio`` percent."""

    lower: Decimal
    upper: Decimal | None
    ratio: Decimal


@dataclass(frozen=True)
class BenefitRule:
    """What the basic fund pays for one visit type at one facility level.

    ``bands`` slice the in-policy cost above the deductible; a flat ratio is one band from 0 with no upper end.
    ``annual_limit`` is what the fund pays at most in a year for this kind of care (None: no limit set).
    Bonuses are percentage points added to every band's ratio (capped at 100).
    """

    region: str
    coverage_year: int
    deductible: Decimal
    deductible_per: str  # "admission" or "year"
    bands: tuple[Band, ...]
    annual_limit: Decimal | None
    signed_bonus: Decimal = Decimal("0")
    mountain_bonus: Decimal = Decimal("0")
    source: SourceRef | None = None


@dataclass(frozen=True)
class SeriousIllnessRule:
    """Serious-illness insurance: pays bands of what is left to the patient above a yearly deductible."""

    region: str
    coverage_year: int
    deductible: Decimal
    reduced_deductible: Decimal | None
    reduced_groups: frozenset[str]
    bands: tuple[Band, ...]
    annual_cap: Decimal | None
    source: SourceRef | None = None


@dataclass(frozen=True)
class PaymentWindow:
    region: str
    coverage_year: int
    start: date
    end: date
    late_deadline: date | None
    late_cover: str  # "after_waiting": late payers wait; "year_start": late payers are covered from 1 January
    source: SourceRef | None = None


@dataclass(frozen=True)
class WaitingPolicy:
    region: str
    fixed_months: int = 3
    months_per_gap_year: int = 1
    free_gap_years: int = 1  # the first N years without cover add no variable months
    months_removed_per_repaid_year: int = 1
    exempt_groups: frozenset[str] = field(default_factory=frozenset)
    newborn_days: int = 90
    source: SourceRef | None = None


@dataclass(frozen=True)
class Contribution:
    """One group's yearly contribution standard."""

    region: str
    coverage_year: int
    group: str
    individual: Decimal
    subsidy: Decimal
    late_individual: Decimal | None = None  # what someone joining after the deadline pays, where set
    source: SourceRef | None = None
