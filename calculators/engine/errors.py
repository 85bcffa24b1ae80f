"""Errors the engine raises.

Every input error is also a ``ValueError`` and a missing rule is also a ``KeyError``, so callers
that only know the built-in exceptions still catch them.
"""


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidInputError(EngineError, ValueError):
    """A case (what the user entered) is impossible or inconsistent.

    For example a negative cost, or a newborn without a birth date.
    """


class InvalidRuleError(EngineError, ValueError):
    """A rule handed to the engine is malformed: overlapping bands, ratio above 100, unknown code..."""


class MissingRuleError(EngineError, KeyError):
    """No rule was given for a group the case needs (e.g. a household member's contribution group)."""

    def __init__(self, group: str):
        super().__init__(group)
        self.group = group

    def __str__(self) -> str:
        return f"no rule for group {self.group!r}"
