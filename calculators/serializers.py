"""Answers as JSON, in one place: what the API sends, what a check case compares, and the keys a check case
may expect (``ANSWER_KEYS``, read off the same table). Money is a string with two decimals, dates are
YYYY-MM-DD; refused answers are ``{"errors": {field: [message, ...]}}``.
"""

from django.utils.translation import gettext as _

ERRORS_KEY = "errors"


def money(value):
    return None if value is None else f"{value:.2f}"


def day(value):
    return None if value is None else value.isoformat()


def plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def source(ref):
    return {"title": ref.title, "title_zh": ref.title_zh, "title_ru": ref.title_ru, "issuer": ref.issuer,
            "issuer_ru": ref.issuer_ru, "document_number": ref.document_number, "url": ref.url,
            "checked_on": day(ref.checked_on), "note_zh": ref.note_zh, "note_ru": ref.note_ru,
            "example": ref.example, "year_assumed": ref.year_assumed}


def line(item):
    return {"group": item.group, "count": item.count, "individual_each": money(item.individual_each),
            "subsidy_each": money(item.subsidy_each), "individual_total": money(item.individual_total),
            "subsidy_total": money(item.subsidy_total), "subsidy_is_minimum": item.subsidy_is_minimum}


# Each calculator's own figures: key -> how to read it off the answer (``a.result`` is the engine's result).
FIGURES = {
    "reimbursement": {
        "cost": lambda a: money(a.result.cost),
        "fund_pays": lambda a: money(a.result.fund_pays),
        "serious_illness_pays": lambda a: money(a.result.serious_illness_pays),
        "you_pay": lambda a: money(a.result.you_pay),
    },
    "deadline": {
        "status": lambda a: a.result.window_status,
        "window_start": lambda a: day(a.result.window.start),
        "window_end": lambda a: day(a.result.window.end),
        "late_deadline": lambda a: day(a.result.window.late_deadline),
        "late_until": lambda a: day(a.result.late_until),
        "typical_window": lambda a: a.result.window.typical,
        "days_left": lambda a: a.result.days_left,
        "days_until_open": lambda a: a.result.days_until_open,
        "amount_due": lambda a: money(a.result.amount_due),
        "waiting_months": lambda a: a.result.waiting_months,
        "cover_starts": lambda a: day(a.result.cover_starts),
        "cover_ends": lambda a: day(a.result.cover_ends),
    },
    "contribution": {
        "total_individual": lambda a: money(a.result.total_individual),
        "total_subsidy": lambda a: money(a.result.total_subsidy),
        "lines": lambda a: [line(item) for item in a.result.lines],
    },
}
# What every answer says about itself.
COMMON = {
    "steps": lambda a: [{"code": s.code, "amount": money(s.amount), "params": plain(s.params)} for s in a.result.steps],
    "region_asked": lambda a: a.region_asked.slug,
    "region_used": lambda a: a.region_used.slug,
    "rules_as_of": lambda a: day(a.rules_as_of),
    "coverage_year": lambda a: a.asked_year,
    "rules_year": lambda a: a.rules_year,
    "rules_checked_on": lambda a: day(a.checked_on),
    "sources": lambda a: [source(s) for s in a.sources],
    "notes": lambda a: a.notes,
    "ignored_parameters": lambda a: a.ignored_names,
    "estimate": lambda a: True,
}
ANSWER_KEYS = {name: tuple(figures) for name, figures in FIGURES.items()}
COMMON_ANSWER_KEYS = tuple(COMMON)


def answer(name, found):
    """The JSON body of a calculator's answer."""
    return {key: read(found) for key, read in {**FIGURES[name], **COMMON}.items()}


def errors(form):
    """The JSON body of a refused answer: every field's messages, in the reader's language."""
    if not form.is_bound:
        return {ERRORS_KEY: {"__all__": [_("Give the calculator's answers as query parameters.")]}}
    return {ERRORS_KEY: {name: [error["message"] for error in items]
                         for name, items in form.errors.get_json_data().items()}}


def body(name, form, found):
    """``(JSON body, HTTP status)`` for calculator ``name``: the answer, or why there is none."""
    return (answer(name, found), 200) if found is not None else (errors(form), 400)
