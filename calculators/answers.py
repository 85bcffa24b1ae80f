"""From a calculator form's cleaned answers to an explained result.

The only place where the rules layer (database) meets the engine (pure
Python): fetch the rules in force, run the engine, and keep what the page
needs to explain the answer (region used, date the rules were chosen for,
sources). Words stay in the templates.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.translation import gettext as _

from calculators import rules
from calculators.engine.contribution import HouseholdMember, calculate_household
from calculators.engine.deadline import DeadlineCase, calculate_deadline
from calculators.engine.errors import EngineError
from calculators.engine.reimbursement import ReimbursementCase, calculate_reimbursement
from calculators.engine.steps import steps_with
from calculators.forms import ContributionForm, DeadlineForm, ReimbursementForm
from calculators.choices import Scheme


@dataclass
class Answer:
    result: object
    region_asked: object  # Region
    region_used: object  # Region whose rules were used (the nearest one that has them)
    rules_as_of: date  # the date the rules in force were chosen for
    asked_year: int  # the coverage year asked about
    rules_year: int | None = None  # the coverage year whose rules were used (the oldest, when parts differ)
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # codes the template explains, e.g. "no_serious_illness_rule"
    serious_region: object = None  # Region whose serious-illness rule was used, when one was
    ignored: list = field(default_factory=list)  # labels of answers in the link that do not apply here
    ignored_names: list = field(default_factory=list)  # the same, as parameter names

    @property
    def checked_on(self):
        dates = [s.checked_on for s in self.sources if s.checked_on]
        return max(dates, default=None)

    @property
    def from_earlier_year(self):
        return self.rules_year is not None and self.rules_year < self.asked_year


def explained(result, region, used, as_of, asked_year, rules_used, notes=(), **extra):
    """An ``Answer`` with the notes every calculator shares: figures from an earlier year, examples,
    assumptions, the typical payment period."""
    rules_used = [rule for rule in rules_used if rule is not None]
    years = [rule.coverage_year for rule in rules_used if getattr(rule, "coverage_year", None) is not None]
    sources = _unique_sources(*rules_used)
    notes = list(notes)
    rules_year = min(years, default=None)
    if rules_year is not None and rules_year < asked_year:
        notes.append("rules_from_earlier_year")
    if any(source.example for source in sources):
        notes.append("example_figure")
    if any(source.year_assumed for source in sources):
        notes.append("assumed_year")
    if any(getattr(rule, "deductible_per_assumed", False) for rule in rules_used):
        notes.append("assumed_deductible_per")
    if any(getattr(rule, "typical", False) for rule in rules_used):
        notes.append("typical_window")
    return Answer(result, region, used, as_of, asked_year, rules_year, sources, notes, **extra)


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
    if any(step.params.get("supplementary") for step in steps_with(result.steps, "annual_limit")):
        notes.append("supplementary_above_limit")
    return explained(result, region, used, on_date, on_date.year, [benefit, serious], notes,
                     serious_region=serious_region)


def deadline(data):
    region = rules.get_region(data["region"])
    today = rules.today()
    year = data["year"]
    window, used = rules.payment_window(region, year)
    policy, _policy_region = rules.waiting_policy(region)
    notes = []
    try:
        contribution, _contribution_region = rules.contribution(region, year, data["group"])
    except rules.RuleNotFound:
        contribution = None
        notes.append("no_contribution_rule")
    paid_on = data.get("paid_on") or today
    case = DeadlineCase(
        coverage_year=year, paid_on=paid_on, status=data["status"],
        gap_years=data["gap_years"], repaid_years=data["repaid_years"],
        birth_date=data.get("birth_date"), group=data["group"], today=today,
    )
    if contribution is not None and contribution.coverage_year != year:
        notes.append("amount_from_earlier_year")
        # The engine checks that the figures belong to the year asked; an earlier year's are shown as such.
        result = calculate_deadline(case, window, policy, replace(contribution, coverage_year=year))
    else:
        result = calculate_deadline(case, window, policy, contribution)
    return explained(result, region, used, today, year, [window, policy, contribution], notes)


def contribution(data):
    region = rules.get_region(data["region"])
    standards, used = rules.contributions(region, data["year"])
    members = [HouseholdMember(group, count) for group, count in data["counts"].items() if count]
    missing = [m.group for m in members if m.group not in standards]
    if missing:
        raise rules.RuleNotFound("group", kind="contribution", region=used,
                                 criteria={"region": region.slug, "coverage_year": data["year"],
                                           "group": missing[0]})
    result = calculate_household(members, standards)
    return explained(result, region, used, rules.today(), data["year"], [standards[m.group] for m in members])


# ---------------------------------------------------------------------------
# From a query string to an answer: what the views and the check cases share


@dataclass(frozen=True)
class CalculatorSpec:
    form_class: type
    compute: object  # cleaned data -> Answer
    needs: frozenset = frozenset()  # without any of these, a link only fills in the form (no answer, no errors)
    region_table: str = ""  # what such a link with a region shows under the form: that region's table


# A link with only a region (from a region page) chooses the region of a calculator that needs more: a start.
PREFILL_ONLY = {"region"}

CALCULATORS = {
    "reimbursement": CalculatorSpec(ReimbursementForm, reimbursement, frozenset({"cost"}), "reimbursement"),
    "deadline": CalculatorSpec(DeadlineForm, deadline),
    "contribution": CalculatorSpec(ContributionForm, contribution),
}

# Which form field a missing rule is reported on, per calculator.
MISSING_RULE_FIELD = {
    "reimbursement": {"region": "region", "coverage_year": "date", "on_date": "date", "scheme": "scheme",
                      "employee_status": "status", "visit": "visit", "tier": "tier", "level": "level",
                      "group": "group"},
    "deadline": {"region": "region", "coverage_year": "year", "on_date": "paid_on", "group": "group"},
    "contribution": {"region": "region", "coverage_year": "year"},
}

def missing_rule_message(missing):
    if missing.field == "coverage_year":
        year = rules.earliest_year(missing)
        if year is not None:
            return _("Our rules for this region start with %(year)s; we have none for earlier years. Try "
                     "%(year)s or later, or check with your local agency.") % {"year": year}
    messages = {
        "region": _("We have no rules for that region. Choose one from the list."),
        "coverage_year": _("We have no rules for that year in this region yet. Try another year or region."),
        "on_date": _("No rule in this region is in force on that date. Try another date."),
        "scheme": _("We have no rules for that insurance scheme in this region."),
        "employee_status": _("We have no rules for that employment status in this region."),
        "visit": _("We have no rules for that kind of care in this region."),
        "tier": _("Choose the contribution tier: this region's rules differ by tier."),
        "level": _("We have no rule for that hospital level in this region. Choose another level."),
        "group": _("We have no contribution standard for this population group in this region and year: "
                   "amounts for special groups are often set locally. Ask your local medical insurance agency."),
    }
    return messages.get(missing.field, _("We have no complete rule for this case. Please check with your local agency."))


def ask(name, params):
    """Answer calculator ``name`` for the query parameters ``params`` (a QueryDict): ``(form, Answer|None)``.

    What a resident's link gives, in the page, the JSON and a check case alike. The rules read are those
    of the current rules moment (``rules.viewing``), whose date is also the "today" that left-out dates
    (the treatment date, the payment date) and days left are counted from. A missing rule or answers that
    do not fit together become form errors.
    """
    calculator = CALCULATORS[name]
    if params and calculator.needs and set(params) <= PREFILL_ONLY:
        return calculator.form_class(initial=params.dict()), None
    form = calculator.form_class(params or None)
    answer = None
    if form.is_bound and form.is_valid():
        try:
            answer = calculator.compute(form.cleaned_data)
        except rules.RuleNotFound as missing:
            field = MISSING_RULE_FIELD[name].get(missing.field, missing.field)
            if missing.field == "group" and missing.criteria.get("group") in form.fields:
                field = missing.criteria["group"]  # the household calculator asks one count per group
            form.add_error(field if field in form.fields else None, missing_rule_message(missing))
            answer = None
        except EngineError:
            form.add_error(None, _("These answers do not fit together. Please check them."))
    if answer is not None and form.ignored:
        answer.notes.append("ignored_parameters")
        answer.ignored = form.ignored
        answer.ignored_names = form.ignored_names
    return form, answer
