"""The working out of a result, one machine-readable step at a time.

A step carries a code, an amount and parameters (numbers, dates, codes), never words: the
templates turn ``Step("band", Decimal("34300"), {"ratio": Decimal("70"), ...})`` into a sentence
in the reader's language, and tests check the steps one by one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .rules import SourceRef


@dataclass(frozen=True)
class Step:
    code: str
    amount: Decimal | None = None
    params: dict = field(default_factory=dict)
    source: SourceRef | None = None


def steps_with(steps: Iterable[Step], code: str) -> tuple[Step, ...]:
    """All steps with ``code``, in order."""
    return tuple(step for step in steps if step.code == code)


def step_codes(steps: Iterable[Step]) -> tuple[str, ...]:
    """The codes of ``steps``, in order (handy in tests and templates)."""
    return tuple(step.code for step in steps)
