"""Policy rules as the engine sees them: already chosen for one case, region and date."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class SourceRef:
    """Where a rule comes from, so every step of an answer can cite it.

    ``title`` and ``issuer`` are as published; ``title_zh``/``title_ru`` and ``issuer_ru`` translate them
    where the original is in the other language; ``note_zh``/``note_ru`` carry the editors' caveats
    (sources that disagree, figures to check). ``example``: the figure comes from a source that names no
    region (an example, shown only with a caveat). ``year_assumed``: the source does not say which year
    the figures are for. The engine never reads these: they are for the citation under an answer.
    """

    title: str
    issuer: str = ""
    document_number: str = ""
    url: str = ""
    checked_on: date | None = None
    title_zh: str = ""
    title_ru: str = ""
    issuer_ru: str = ""
    note_zh: str = ""
    note_ru: str = ""
    example: bool = False
    year_assumed: bool = False


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
    ``annual_limit`` is what the fund pays at most in a year for this kind of care (None: no limit set);
    ``supplementary_above_limit``: above that limit supplementary large-amount insurance (大额补充) pays,
    which the engine does not calculate.
    Bonuses are percentage points added to every band's ratio (capped at 100), only for a patient signed
    with (or who chose) a primary institution: ``signed_bonus``, or ``mountain_bonus`` instead of it at a
    mountain-area township health centre (0: no separate mountain bonus, the signed one applies).
    ``deductible_per_assumed``: the source does not say whether the deductible is per admission or per year.
    """

    region: str
    coverage_year: int
    deductible: Decimal
    deductible_per: str  # codes.DeductiblePer
    bands: tuple[Band, ...]
    annual_limit: Decimal | None
    signed_bonus: Decimal = Decimal("0")
    mountain_bonus: Decimal = Decimal("0")
    supplementary_above_limit: bool = False
    deductible_per_assumed: bool = False
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
    """The centralized payment period for one coverage year.

    ``late_deadline``: the region's last day for joining late; after it joining is closed for the year.
    None: joining late stays possible until the end of the coverage year (国办发〔2024〕38号), with the
    waiting period. ``typical``: the dates come from the usual national pattern, not from a notice for
    this region and year.
    """

    region: str
    coverage_year: int
    start: date
    end: date
    late_deadline: date | None
    late_cover: str  # codes.LateCover
    typical: bool = False
    source: SourceRef | None = None


@dataclass(frozen=True)
class WaitingPolicy:
    """How long late or interrupted enrolment waits, in months.

    Lapsed payers wait ``fixed_months`` plus ``months_per_gap_year`` for each year of the break beyond the
    first ``free_gap_years``, less ``months_removed_per_repaid_year`` for each missed year paid back (only
    variable months are removed). After a break of ``long_gap_years`` or more (None: no such rule) the
    total is never below ``long_gap_min_months``. Newborns enrolled within ``newborn_days`` of birth and
    ``exempt_groups`` do not wait.
    """

    region: str
    fixed_months: int
    months_per_gap_year: int
    free_gap_years: int
    months_removed_per_repaid_year: int
    long_gap_years: int | None
    long_gap_min_months: int
    newborn_days: int
    exempt_groups: frozenset[str] = field(default_factory=frozenset)
    source: SourceRef | None = None


@dataclass(frozen=True)
class Contribution:
    """One group's yearly contribution standard. ``subsidy_is_minimum``: the source says "at least"."""

    region: str
    coverage_year: int
    group: str
    individual: Decimal
    subsidy: Decimal
    late_individual: Decimal | None = None  # what someone joining after the deadline pays, where set
    subsidy_is_minimum: bool = False
    source: SourceRef | None = None
