"""From a calculator form's cleaned answers to an explained result.

The only place where the rules layer (database) meets the engine (pure
Python): fetch the rules in force, run the engine, and keep what the page
needs to explain the answer (region used, date the rules were chosen for,
sources). Words stay in the templates.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from calculators import rules, serializers
from calculators.engine.contribution import HouseholdMember, calculate_household
from calculators.engine.deadline import DeadlineCase, calculate_deadline
from calculators.engine.errors import EngineError
from calculators.engine.reimbursement import ReimbursementCase, calculate_reimbursement
from calculators.forms import ContributionForm, DeadlineForm, ReimbursementForm
from calculators.models import Scheme


@dataclass
class Answer:
    result: object
    region_asked: object  # Region
    region_used: object  # Region whose rules were used (the nearest one that has them)
    rules_as_of: date  # the date the rules in force were chosen for
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # codes the template explains, e.g. "no_serious_illness_rule"
    serious_region: object = None  # Region whose serious-illness rule was used, when one was

    @property
    def checked_on(self):
        dates = [s.checked_on for s in self.sources if s.checked_on]
        return max(dates, default=None)


def _unique_sources(*rules_used):
    seen, sources = set(), []
    for rule in rules_used:
        source = getattr(rule, "source", None)
        if source is not None and source not in seen:
            seen.add(source)
            sources.append(source)
    return sources


def reimbursement(data):
    region = rules.get_region(data["region"])
    on_date = data["date"]
    benefit, used = rules.benefit_rule(
        region, data["scheme"], data.get("status") or "", data.get("tier"), data["visit"], data["level"], on_date
    )
    serious, serious_region, notes = None, None, []
    if data["scheme"] == Scheme.RESIDENT:
        try:
            serious, serious_region = rules.serious_illness_rule(region, on_date)
            if serious_region != used:
                notes.append("serious_illness_other_region")
        except rules.RuleNotFound:
            notes.append("no_serious_illness_rule")
    else:
        notes.append("serious_illness_residents_only")
    case = ReimbursementCase(
        cost=data["cost"], paid_this_year=data["paid_this_year"], group=data["group"],
        signed=bool(data.get("signed")), mountain=bool(data.get("mountain")),
    )
    result = calculate_reimbursement(case, benefit, serious)
    return Answer(result, region, used, on_date, _unique_sources(benefit, serious), notes, serious_region)


def deadline(data):
    region = rules.get_region(data["region"])
    window, used = rules.payment_window(region, data["year"])
    policy, _policy_region = rules.waiting_policy(region)
    try:
        contribution, _contribution_region = rules.contribution(region, data["year"], data["group"])
        notes = []
    except rules.RuleNotFound:
        contribution, notes = None, ["no_contribution_rule"]
    case = DeadlineCase(
        coverage_year=data["year"], paid_on=data["paid_on"], status=data["status"],
        gap_years=data["gap_years"], repaid_years=data["repaid_years"],
        birth_date=data.get("birth_date"), group=data["group"],
    )
    result = calculate_deadline(case, window, policy, contribution)
    return Answer(result, region, used, rules.today(), _unique_sources(window, policy, contribution), notes)


def contribution(data):
    region = rules.get_region(data["region"])
    standards, used = rules.contributions(region, data["year"])
    members = [HouseholdMember(group, count) for group, count in data["counts"].items() if count]
    missing = [m.group for m in members if m.group not in standards]
    if missing:
        raise rules.RuleNotFound(missing[0], kind="contribution", region=used,
                                 criteria={"region": region.slug, "coverage_year": data["year"]})
    result = calculate_household(members, standards)
    used_rules = [standards[m.group] for m in members]
    return Answer(result, region, used, rules.today(), _unique_sources(*used_rules))


# ---------------------------------------------------------------------------
# From a query string to an answer: what the views and the check cases share


@dataclass(frozen=True)
class CalculatorSpec:
    form_class: type
    compute: object  # cleaned data -> Answer
    serialize: object  # Answer -> JSON-ready dict (calculators.serializers)
    today_field: str | None = None  # the date field that defaults to today


CALCULATORS = {
    "reimbursement": CalculatorSpec(ReimbursementForm, reimbursement, serializers.reimbursement, "date"),
    "deadline": CalculatorSpec(DeadlineForm, deadline, serializers.deadline, "paid_on"),
    "contribution": CalculatorSpec(ContributionForm, contribution, serializers.contribution),
}

# Which form field a missing rule is reported on, per calculator.
MISSING_RULE_FIELD = {
    "reimbursement": {"region": "region", "coverage_year": "date", "on_date": "date", "scheme": "scheme",
                      "employee_status": "status", "visit": "visit", "tier": "tier", "level": "level",
                      "group": "group"},
    "deadline": {"region": "region", "coverage_year": "year", "on_date": "paid_on", "group": "group"},
    "contribution": {"region": "region", "coverage_year": "year"},
}

# A link from a region page chooses the region and nothing else: a start, not answers to check.
PREFILL_ONLY = {"region"}


def missing_rule_message(missing):
    if missing.field == "coverage_year":
        year = rules.latest_year(missing)
        if year is not None:
            return _("Rules for that year are not entered yet; the latest we have here are for %(year)s. "
                     "Try %(year)s, or check with your local agency.") % {"year": year}
    messages = {
        "region": _("We have no rules for that region. Choose one from the list."),
        "coverage_year": _("We have no rules for that year in this region yet. Try another year or region."),
        "on_date": _("No rule in this region is in force on that date. Try another date."),
        "scheme": _("We have no rules for that insurance scheme in this region."),
        "employee_status": _("We have no rules for that employment status in this region."),
        "visit": _("We have no rules for that kind of care in this region."),
        "tier": _("Choose the contribution tier: this region's rules differ by tier."),
        "level": _("We have no rule for that hospital level in this region. Choose another level."),
        "group": _("We have no contribution standard for this population group in this region and year."),
    }
    return messages.get(missing.field, _("We have no complete rule for this case. Please check with your local agency."))


def ask(name, params, *, today=None):
    """Answer calculator ``name`` for the query parameters ``params`` (a QueryDict): ``(form, Answer|None)``.

    What a resident's link gives, in the page, the JSON and a check case alike. The rules read are those
    of the current rules moment (``rules.viewing``). ``today``: the date a left-out "today" field (the
    treatment date, the payment date) takes instead of the real today (a staff preview of a future date).
    A missing rule or answers that do not fit together become form errors.
    """
    calculator = CALCULATORS[name]
    if params and set(params) <= PREFILL_ONLY:
        return calculator.form_class(initial=params.dict()), None
    if params and today is not None and calculator.today_field and not params.get(calculator.today_field):
        params = params.copy()
        params[calculator.today_field] = today.isoformat()
    form = calculator.form_class(params or None)
    answer = None
    if form.is_bound and form.is_valid():
        try:
            answer = calculator.compute(form.cleaned_data)
        except rules.RuleNotFound as missing:
            field = MISSING_RULE_FIELD[name].get(missing.field, missing.field)
            form.add_error(field if field in form.fields else None, missing_rule_message(missing))
            answer = None
        except EngineError:
            form.add_error(None, _("These answers do not fit together. Please check them."))
    return form, answer
