"""What a household pays for a coverage year, and what the state adds.

One line per group (members of the same group are merged, in the order each group first appears);
groups with a count of 0 are skipped. Amounts are rounded once, to the fen, at the end.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import InvalidInputError, InvalidRuleError, MissingRuleError
from .money import ZERO, rule_money, to_fen
from .rules import Contribution, SourceRef
from .steps import Step


@dataclass(frozen=True)
class HouseholdMember:
    group: str
    count: int


@dataclass(frozen=True)
class ContributionLine:
    group: str
    count: int
    individual_each: Decimal
    subsidy_each: Decimal
    individual_total: Decimal
    subsidy_total: Decimal
    source: SourceRef | None = None
    subsidy_is_minimum: bool = False


@dataclass(frozen=True)
class HouseholdResult:
    lines: tuple[ContributionLine, ...]
    total_individual: Decimal
    total_subsidy: Decimal
    steps: tuple[Step, ...]

    @property
    def total(self) -> Decimal:
        """Individual payments plus subsidies: the full contribution the fund receives for the household."""
        return self.total_individual + self.total_subsidy

    @property
    def people(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def subsidy_is_minimum(self) -> bool:
        """Some subsidy in the total is a minimum ("at least"), so the total is one too."""
        return any(line.subsidy_is_minimum for line in self.lines)


def calculate_household(
    members: Iterable[HouseholdMember], contributions: Mapping[str, Contribution]
) -> HouseholdResult:
    counts: dict[str, int] = {}
    for member in members:
        count = member.count
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"count must be an int, not {type(count).__name__}")
        if count < 0:
            raise InvalidInputError(f"count for {member.group!r} must not be negative, got {count}")
        if count == 0:
            continue
        counts[member.group] = counts.get(member.group, 0) + count

    used: list[Contribution] = []
    for group in counts:
        if group not in contributions:
            raise MissingRuleError(group)
        contribution = contributions[group]
        if contribution.group != group:
            raise InvalidRuleError(f"contribution filed under {group!r} is for group {contribution.group!r}")
        rule_money(contribution.individual, f"{group}.individual")
        rule_money(contribution.subsidy, f"{group}.subsidy")
        used.append(contribution)
    if len({(c.region, c.coverage_year) for c in used}) > 1:
        raise InvalidRuleError("contributions mix regions or coverage years")

    lines: list[ContributionLine] = []
    steps: list[Step] = []
    total_individual = total_subsidy = ZERO
    for (group, count), contribution in zip(counts.items(), used, strict=True):
        individual_total = contribution.individual * count
        subsidy_total = contribution.subsidy * count
        total_individual += individual_total
        total_subsidy += subsidy_total
        line = ContributionLine(
            group=group,
            count=count,
            individual_each=to_fen(contribution.individual),
            subsidy_each=to_fen(contribution.subsidy),
            individual_total=to_fen(individual_total),
            subsidy_total=to_fen(subsidy_total),
            subsidy_is_minimum=contribution.subsidy_is_minimum,
            source=contribution.source,
        )
        lines.append(line)
        steps.append(
            Step(
                "line",
                line.individual_total,
                {
                    "group": group,
                    "count": count,
                    "individual_each": line.individual_each,
                    "subsidy_each": line.subsidy_each,
                    "subsidy_total": line.subsidy_total,
                    "coverage_year": contribution.coverage_year,
                },
                contribution.source,
            )
        )
    total_individual, total_subsidy = to_fen(total_individual), to_fen(total_subsidy)
    steps.append(Step("total_individual", total_individual, {"people": sum(counts.values())}))
    steps.append(Step("total_subsidy", total_subsidy, {"people": sum(counts.values())}))
    return HouseholdResult(
        lines=tuple(lines), total_individual=total_individual, total_subsidy=total_subsidy, steps=tuple(steps)
    )
