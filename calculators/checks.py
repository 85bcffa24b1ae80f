"""Calculator check cases: known answers, run against the rules in force and against draft rule changes.

A check case (``models.CheckCase``) is a resident's share link: a calculator, its query string and the
key figures of the expected answer, in the JSON API's format (``calculators.serializers``). Running it
takes exactly the views' path: ``answers.ask`` binds the calculator's form to the stored query string
(a ``QueryDict``), answers it with the rules of the chosen moment, and ``serializers`` turns the answer
into the JSON a client would get. So a case passes exactly when that link gives that answer.

* ``run_check_cases(cases=None, *, at=None, include_drafts=False)``: one ``CheckResult`` per case
  (passed, failed or error, with the expected and actual value of every expected figure);
* ``compare_with_drafts(cases=None, *, at=None)``: every case run twice, with the published rules and
  with the drafts and rows in review winning over them (``rules.viewing(include_drafts=True)``);
* ``compare_draft_changes(cases=None, *, at=None)``: only the cases whose answer a draft would change,
  with the old and new values.

The admin's "Run all check cases" page and ``manage.py run_check_cases`` use these.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.utils.translation import gettext as _

from calculators import answers, rules, serializers
from calculators.models import CheckCase
from calculators.serializers import ANSWER_KEYS, COMMON_ANSWER_KEYS, ERRORS_KEY

PASSED, FAILED, ERROR = "passed", "failed", "error"


def answer_for(calculator, inputs, *, at=None, include_drafts=False):
    """The JSON answer the calculator gives for the query string ``inputs``, as the API would send it.

    A refused answer is ``{"errors": {field: [message, ...]}}``, as the API's 400 response. ``at``: the
    rules moment (a datetime or a date; None is now); left-out "today" fields take its date.
    """
    with rules.viewing(at=at, include_drafts=include_drafts):
        form, answer = answers.ask(calculator, QueryDict(inputs))
        data, _status = serializers.body(calculator, form, answer)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def same(expected, actual):
    """Whether an expected figure matches: equal JSON values, numbers by value ("34300" == "34300.00")."""
    if expected == actual:
        return True
    numbers = (int, float, str)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return False
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    return False


def shown(value):
    """A figure as text: strings as they are, None as a dash, anything else as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def error_fields(value):
    """Field names of an ``errors`` value: a list of names, a mapping of them to messages, or one name."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, dict)):
        return sorted(str(name) for name in value)
    return [str(value)]


@dataclass
class Figure:
    key: str
    expected: object
    actual: object

    @property
    def expected_text(self):
        return shown(self.expected)

    @property
    def actual_text(self):
        return shown(self.actual)

    @property
    def matches(self):
        if self.key == ERRORS_KEY:
            return error_fields(self.expected) == error_fields(self.actual)
        return same(self.expected, self.actual)


@dataclass
class CheckResult:
    case: CheckCase
    status: str  # PASSED, FAILED or ERROR
    figures: list = field(default_factory=list)  # a Figure per expected key
    answer: dict = field(default_factory=dict)  # the JSON answer, or {"errors": {...}}
    message: str = ""  # why the case could not be answered (ERROR)

    @property
    def passed(self):
        return self.status == PASSED

    @property
    def refused(self):
        return ERRORS_KEY in self.answer

    def value(self, key):
        """One figure of the answer; for ``errors``, the fields with a message (empty when answered)."""
        if key == ERRORS_KEY:
            return error_fields(self.answer.get(ERRORS_KEY))
        return self.answer.get(key)

    def mismatches(self):
        return [figure for figure in self.figures if not figure.matches]


def expected_keys(case):
    """The expected figures' keys in the order the answer gives them (the database may not keep the
    order they were typed in)."""
    expected = case.expected if isinstance(case.expected, dict) else {}
    order = (*ANSWER_KEYS.get(case.calculator, ()), *COMMON_ANSWER_KEYS, ERRORS_KEY)
    return sorted(expected, key=lambda key: (order.index(key) if key in order else len(order), key))


def _errors_text(errors):
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())


def run_case(case, *, at=None, include_drafts=False):
    """Run one check case: a ``CheckResult``."""
    try:
        answer = answer_for(case.calculator, case.inputs, at=at, include_drafts=include_drafts)
    except Exception as error:  # noqa: BLE001 - one broken case must not stop the others; it is reported
        return CheckResult(case, ERROR, message=f"{type(error).__name__}: {error}")
    expected = case.expected if isinstance(case.expected, dict) else {}
    result = CheckResult(case, PASSED, answer=answer)
    result.figures = [Figure(key, expected[key], result.value(key)) for key in expected_keys(case)]
    if result.refused and ERRORS_KEY not in expected:
        result.status = ERROR
        result.message = _errors_text(answer[ERRORS_KEY])
    elif not expected:
        result.status = ERROR
        result.message = _("This check case expects nothing: add the expected figures.")
    elif result.mismatches():
        result.status = FAILED
    return result


def _cases(cases):
    if cases is None:
        cases = CheckCase.objects.all()
    return list(cases)


def run_check_cases(cases=None, *, at=None, include_drafts=False):
    """Run check cases (default: all): a ``CheckResult`` each, in the order given.

    ``at``: the rules moment (a datetime or a date; None is now). ``include_drafts``: drafts and rows in
    review win over the published rules for the same case.
    """
    return [run_case(case, at=at, include_drafts=include_drafts) for case in _cases(cases)]


@dataclass
class Change:
    key: str
    old: object
    new: object

    @property
    def old_text(self):
        return shown(self.old)

    @property
    def new_text(self):
        return shown(self.new)


@dataclass
class Comparison:
    """One case with the published rules (``now``) and with the drafts (``with_drafts``)."""

    case: CheckCase
    now: CheckResult
    with_drafts: CheckResult
    changes: list = field(default_factory=list)  # a Change per figure the drafts change

    @property
    def changed(self):
        return bool(self.changes)


def compared_keys(case):
    """The figures compared between the two runs: the expected ones, the calculator's key figures, the
    region whose rules were used and the refused fields."""
    keys = expected_keys(case)
    for key in (*ANSWER_KEYS.get(case.calculator, ()), "region_used", ERRORS_KEY):
        if key not in keys:
            keys.append(key)
    return keys


def compare_with_drafts(cases=None, *, at=None):
    """Every case run with the rules in force and with the draft changes: a ``Comparison`` each."""
    cases = _cases(cases)
    now = run_check_cases(cases, at=at)
    drafts = run_check_cases(cases, at=at, include_drafts=True)
    comparisons = []
    for case, before, after in zip(cases, now, drafts, strict=True):
        changes = [Change(key, before.value(key), after.value(key)) for key in compared_keys(case)
                   if before.value(key) != after.value(key)]
        if before.message != after.message and not changes:
            changes.append(Change("message", before.message, after.message))
        comparisons.append(Comparison(case, before, after, changes))
    return comparisons


def compare_draft_changes(cases=None, *, at=None):
    """The cases whose answer would change once the drafts are published: ``Comparison`` rows with the
    old and new value of every changed figure (``changes``)."""
    return [comparison for comparison in compare_with_drafts(cases, at=at) if comparison.changed]


def summary(results):
    """``{"passed": n, "failed": n, "error": n, "total": n}`` for a list of ``CheckResult``."""
    counts = {PASSED: 0, FAILED: 0, ERROR: 0}
    for result in results:
        counts[result.status] += 1
    return {**counts, "total": len(results)}
