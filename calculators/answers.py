"""From a calculator form's cleaned answers to an explained result.

The only place where the rules layer (database) meets the engine (pure
Python): fetch the rules in force, run the engine, and keep what the page
needs to explain the answer (region used, date the rules were chosen for,
sources). Words stay in the templates.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from calculators import rules
from calculators.engine.contribution import HouseholdMember, calculate_household
from calculators.engine.deadline import DeadlineCase, calculate_deadline
from calculators.engine.reimbursement import ReimbursementCase, calculate_reimbursement
from calculators.models import Scheme


@dataclass
class Answer:
    result: object
    region_asked: object  # Region
    region_used: object  # Region whose rules were used (the nearest one that has them)
    rules_as_of: date  # the date the rules in force were chosen for
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # codes the template explains, e.g. "no_serious_illness_rule"

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
    serious, notes = None, []
    if data["scheme"] == Scheme.RESIDENT:
        try:
            serious, _serious_region = rules.serious_illness_rule(region, on_date)
        except rules.RuleNotFound:
            notes.append("no_serious_illness_rule")
    else:
        notes.append("serious_illness_residents_only")
    case = ReimbursementCase(
        cost=data["cost"], paid_this_year=data["paid_this_year"], group=data["group"],
        signed=bool(data.get("signed")), mountain=bool(data.get("mountain")),
    )
    result = calculate_reimbursement(case, benefit, serious)
    return Answer(result, region, used, on_date, _unique_sources(benefit, serious), notes)


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
    return Answer(result, region, used, timezone.localdate(), _unique_sources(window, policy, contribution), notes)


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
    return Answer(result, region, used, timezone.localdate(), _unique_sources(*used_rules))
