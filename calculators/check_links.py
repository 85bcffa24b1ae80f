"""What a check case holds: one calculator's share link (kept as its query string) and key figures that
calculator's JSON answer has. ``CheckCase.clean`` validates with ``validate_case``; ``calculators.checks``
runs the cases."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from calculators.choices import Calculator
from calculators.serializers import ANSWER_KEYS, COMMON_ANSWER_KEYS, ERRORS_KEY

# Query parameters a check case does not keep: a staff preview's date is chosen when the cases run.
IGNORED_PARAMETERS = ("as_of",)

_CALCULATOR_PATH = re.compile(r"/calculators/(?P<name>[a-z]+)(?:/(?:reminder\.ics)?)?$")


def split_share_link(text):
    """A share link (or just its query string) -> ``(calculator named in the path or None, query string)``.

    ``https://host/ru/calculators/reimbursement/?region=x&cost=1``
    -> ``("reimbursement", "region=x&cost=1")``;
    ``?region=x`` and ``region=x`` -> ``(None, "region=x")``. A link to a page that is no calculator gives
    ``("", query)``. ``as_of`` is dropped (see ``IGNORED_PARAMETERS``).
    """
    text = (text or "").strip()
    calculator = None
    if "://" in text or text.startswith("/"):
        parts = urlsplit(text)
        match = _CALCULATOR_PATH.search(parts.path)
        calculator = match["name"] if match and match["name"] in Calculator.values else ""
        query = parts.query
    else:
        query = text.split("#", 1)[0].removeprefix("?")
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True)
             if key not in IGNORED_PARAMETERS]
    return calculator, urlencode(pairs)

def validate_case(case):
    """A check case's inputs are one calculator's link (kept as its query string) and its expected figures are
    keys that calculator's JSON answer has; raises one ValidationError naming the fields to fix."""
    errors = {}
    linked, query = split_share_link(case.inputs)
    if linked == "":
        errors["inputs"] = ValidationError(
            _("This link is not a calculator link. Open the calculator, get the answer, and paste the "
              "link under it."), code="not_calculator")
    elif linked and case.calculator and linked != case.calculator:
        errors["inputs"] = ValidationError(
            _("This link is for the %(linked)s calculator, but this check case is for the "
              "%(calculator)s calculator. Paste a link from the %(calculator)s calculator or choose the "
              "other calculator."),
            code="other_calculator",
            params={"linked": Calculator(linked).label, "calculator": Calculator(case.calculator).label},
        )
    elif not query:
        errors["inputs"] = ValidationError(
            _("Give the calculator's answers: paste the link to the answer or its query string."), code="no_inputs")
    else:
        case.inputs = query
    problem = expected_error(case)
    if problem:
        errors["expected"] = problem
    if errors:
        raise ValidationError(errors)


def expected_error(case):
    if not isinstance(case.expected, dict) or not case.expected:
        return ValidationError(
            _('Enter the expected figures as a JSON object, for example {"fund_pays": "34300.00"}.'), code="not_object")
    known = {*ANSWER_KEYS.get(case.calculator, ()), *COMMON_ANSWER_KEYS, ERRORS_KEY}
    unknown = sorted(set(case.expected) - known)
    if case.calculator and unknown:
        return ValidationError(
            _("The answer of this calculator has no %(keys)s. It has: %(known)s."), code="unknown_key",
            params={"keys": ", ".join(unknown), "known": ", ".join(ANSWER_KEYS[case.calculator])},
        )
    return None
