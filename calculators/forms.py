"""The calculators' GET forms: every answer a resident gives lives in the URL.

A form asks only the questions that apply to the answers so far (``shape``): no employment status for
residents, no tier where the region has none, no years without cover unless there was a break, only the
kinds of care and facility levels the region has rules for. Fields left out of a link take their
defaults; a parameter that does not apply is ignored (``ignored`` names it, so the answer can say so),
and one the form does not know is dropped.

Forms check what was typed (numbers, dates, known slugs); whether a rule exists for that region, year or
hospital level is the rules layer's business: the view turns a ``RuleNotFound`` into a message on the
field.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from calculators import rules
from calculators.engine.codes import Enrolment
from calculators.choices import EmployeeStatus, Level, Scheme, Visit

MAX_COST = Decimal("100000000")  # a hundred million yuan: beyond any real bill, and safe for Decimal maths
FIRST_YEAR = 2000
YEARS_AHEAD = 2  # a coverage year further ahead than this is a typing mistake, not a question


def last_year():
    """The latest coverage year a calculator answers: rules are entered at most a year or two ahead."""
    return rules.today().year + YEARS_AHEAD


def parse_day(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


class GetForm(forms.Form):
    """A form read from the query string, asking only what applies.

    Subclasses implement ``shape(data)``: given the answers so far (defaults filled in), the names of the
    fields that apply, and set field choices that depend on the rules.
    """

    defaults = {}

    def __init__(self, data=None, **kwargs):
        given = set()
        if data is not None:
            given = {name for name, value in data.items() if value not in ("", None)}
            data = data.copy()
            for name, value in self.get_defaults(data).items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, **kwargs)
        self.setup()
        relevant = self.shape(data if data is not None else self.initial_data())
        self.ignored_names = [name for name in self.fields if name in given and name not in relevant]
        self.ignored = [self.fields[name].label for name in self.ignored_names]
        for name in list(self.fields):
            if name not in relevant:
                del self.fields[name]

    def initial_data(self):
        """What an empty form shows: the defaults and the initial values."""
        return {**self.get_defaults(self.initial), **self.initial}

    def get_defaults(self, data):
        return dict(self.defaults)

    def setup(self):
        """Choices from the rules (regions, groups), before the shape is known."""

    def shape(self, data):
        return set(self.fields)

    def answers(self):
        """The answers given, in the form's order, as ``(field, value, kind)`` for the "your answers" list;
        ``kind`` says how to show the value: "choice" (a label), "date", "money", "yes" or "number"."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return []
        shown = []
        for field in self:
            value = self.cleaned_data.get(field.name)
            if value in (None, "", False) or (field.name == "paid_this_year" and not value):
                continue
            if isinstance(field.field, forms.ChoiceField):
                value, kind = dict(field.field.choices).get(str(value), value), "choice"
            elif isinstance(field.field, forms.DateField):
                kind = "date"
            elif isinstance(field.field, forms.DecimalField):
                kind = "money"
            elif isinstance(field.field, forms.BooleanField):
                kind = "yes"
            else:
                kind = "number"
            shown.append((field, value, kind))
        return shown

    def shape_signature(self):
        """The fields shown and the options of each choice: when it changes, the page shows the form anew."""
        parts = []
        for name, field in sorted(self.fields.items()):
            options = [str(value) for value, _label in field.choices] if isinstance(field, forms.ChoiceField) else []
            parts.append(name + (":" + "|".join(options) if options else ""))
        return ";".join(parts)

    def share_query(self):
        """The query string that reproduces this answer: every field that applies, nothing else."""
        query = QueryDict(mutable=True)
        for name in self.fields:
            value = self.data.get(name)
            if value not in (None, ""):
                query[name] = value
        return query.urlencode()


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "min": f"{FIRST_YEAR}-01-01"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a real date as year-month-day, for example 2025-03-31.")},
        **kwargs,
    )


def coverage_year_field(**kwargs):
    return forms.IntegerField(
        label=_("Coverage year"), min_value=FIRST_YEAR,
        error_messages={"invalid": _("Enter the year as four digits, for example 2025.")},
        **kwargs,
    )


class DatedFormMixin:
    """Years and dates between 2000 and two years from now: further out is a typing mistake."""

    def limit_dates(self):
        latest = last_year()
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget.attrs["max"] = f"{latest}-12-31"
            elif isinstance(field, forms.IntegerField) and field.min_value == FIRST_YEAR:
                field.max_value = latest
                field.widget.attrs["max"] = str(latest)
                field.validators = [validator for validator in field.validators
                                    if not isinstance(validator, MaxValueValidator)]
                field.validators.append(MaxValueValidator(latest))
                message = _("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": latest}
                field.error_messages.update(min_value=message, max_value=message)

    def check_date_range(self, value):
        latest = last_year()
        if value is not None and not datetime.date(FIRST_YEAR, 1, 1) <= value <= datetime.date(latest, 12, 31):
            raise forms.ValidationError(_("Enter a date between %(first)s and %(last)s.") % {
                "first": FIRST_YEAR, "last": latest})
        return value


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=MAX_COST,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "invalid": _("Enter an amount in yuan using digits only, for example 50000 or 1234.50."),
            "min_value": _("The amount cannot be negative."),
            "max_value": _("That amount is too large. Enter at most 100,000,000 yuan."),
            "max_digits": _("That amount is too large. Enter at most 100,000,000 yuan."),
            "max_decimal_places": _("Enter at most two digits after the decimal point (fen)."),
        },
        **kwargs,
    )


def region_of(data):
    try:
        return rules.get_region(data.get("region") or "")
    except rules.RuleNotFound:
        return None


class Choices(list):
    """A list of ``(value, label)`` made once per rule book and language, which keeps its options as HTML."""

    options_html = None


class ListSelect(forms.Select):
    """A select whose options are written out in Python, not one template each, and kept with a ``Choices``
    list: with hundreds of regions the options were most of a calculator page's time. Same markup as
    Django's select, without optgroups."""

    def render(self, name, value, attrs=None, renderer=None):
        options = getattr(self.choices, "options_html", None)
        if options is None:
            options = format_html_join("\n", '<option value="{}">{}</option>', self.choices)
            if isinstance(self.choices, Choices):
                self.choices.options_html = options
        wanted = set(self.format_value(value))
        chosen = next((str(key) for key, _label in self.choices if str(key) in wanted), None)
        if chosen is not None:
            option = format_html('<option value="{}">', chosen)
            options = mark_safe(options.replace(option, option[:-1] + " selected>", 1))
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


def region_choices():
    """``(slug, name)`` of every region in the reader's language, made once per rule book and language."""
    book, language = rules.book(), get_language()
    kept = book.memo.get(("region_choices", language))
    if kept is None:
        kept = book.memo[("region_choices", language)] = Choices((r.slug, str(r)) for r in book.regions.values())
    return kept


def set_listed_choices(field, choices):
    """Give ``field`` a list of ``(value, label)`` pairs as they are: Django's setter normalises the list twice
    (field and widget), which for hundreds of regions cost more than the rest of a JSON answer."""
    field._choices = field.widget._choices = choices


class RegionGroupMixin:
    def setup(self):
        set_listed_choices(self.fields["region"], region_choices())
        if "group" in self.fields:
            self.fields["group"].choices = [(g.slug, str(g)) for g in rules.population_groups()]


REGION_ERRORS = {"invalid_choice": _("We have no rules for that region. Choose one from the list.")}
GROUP_ERRORS = {"invalid_choice": _("Unknown population group. Choose one from the list.")}


class ReimbursementForm(DatedFormMixin, RegionGroupMixin, GetForm):
    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS, widget=ListSelect)
    scheme = forms.ChoiceField(label=_("Insurance scheme"), choices=Scheme.choices)
    status = forms.ChoiceField(
        label=_("Employment status (employees' insurance)"),
        choices=[(EmployeeStatus.WORKING, EmployeeStatus.WORKING.label),
                 (EmployeeStatus.RETIRED, EmployeeStatus.RETIRED.label)],
        error_messages={"required": _("For employees' insurance, choose whether you are in work or retired.")},
    )
    tier = forms.TypedChoiceField(
        label=_("Contribution tier"), choices=[("1", "1"), ("2", "2"), ("3", "3")], coerce=int,
        help_text=_("The tier you chose when you paid this year's contribution."),
        error_messages={"required": _("Choose the contribution tier: this region's rules differ by tier.")},
    )
    visit = forms.ChoiceField(label=_("Kind of care"), choices=Visit.choices, error_messages={
        "invalid_choice": _("We have no rules for that kind of care in this region.")})
    level = forms.ChoiceField(label=_("Hospital level"), choices=Level.choices, error_messages={
        "invalid_choice": _("We have no rule for that hospital level in this region. Choose another level.")})
    cost = money_field(_("In-policy cost (yuan)"),
                       help_text=_("The part of the bill that insurance covers, from your invoice."))
    paid_this_year = money_field(
        _("Already paid by the fund this year (yuan)"), required=False,
        help_text=_("Counts against the annual limit. Leave 0 if this is your first claim this year."),
    )
    date = date_field(_("Date of treatment"), required=False)
    group = forms.ChoiceField(label=_("Population group"), error_messages=GROUP_ERRORS)
    signed = forms.BooleanField(label=_("Signed up with a family doctor or primary care institution"),
                                required=False)
    mountain = forms.BooleanField(label=_("Treated at a township health centre in a mountain area"), required=False)

    defaults = {"scheme": Scheme.RESIDENT, "group": "ordinary", "paid_this_year": "0"}

    def get_defaults(self, data):
        defaults = {**self.defaults, "date": rules.today().isoformat()}
        region = region_of(data)
        scheme = data.get("scheme") or Scheme.RESIDENT
        on_date = parse_day(data.get("date")) or rules.today()
        visits = rules.visits_for(region, scheme, on_date) if region is not None else ()
        visit = data.get("visit") or (Visit.INPATIENT if Visit.INPATIENT in visits or not visits else visits[0])
        defaults["visit"] = visit
        try:
            levels, _used = rules.levels_for(region, scheme, data.get("status") or "", _tier(data), visit, on_date)
        except rules.RuleNotFound:
            levels = ()
        defaults["level"] = Level.LEVEL3 if Level.LEVEL3 in levels or not levels else levels[-1]
        return defaults

    def shape(self, data):
        self.limit_dates()
        relevant = {"region", "scheme", "visit", "level", "cost", "date"}
        region = region_of(data)
        scheme = data.get("scheme") if data.get("scheme") in Scheme.values else Scheme.RESIDENT
        status = data.get("status") or ""
        if scheme == Scheme.EMPLOYEE:
            relevant.add("status")
        else:
            relevant.add("group")
            status = ""
        if region is None:
            return relevant
        on_date = parse_day(data.get("date")) or rules.today()
        visits = rules.visits_for(region, scheme, on_date)
        if visits:
            self.fields["visit"].choices = [(value, label) for value, label in Visit.choices if value in visits]
        try:
            tiers, _used = rules.tiers_for(region, on_date.year, scheme)
        except rules.RuleNotFound:
            tiers = ()
        if tiers:
            relevant.add("tier")
            self.fields["tier"].choices = [(str(tier), str(tier)) for tier in tiers]
        tier = _tier(data) if tiers else None
        visit = data.get("visit")
        try:
            levels, _used = rules.levels_for(region, scheme, status, tier, visit, on_date)
            self.fields["level"].choices = [(value, label) for value, label in Level.choices if value in levels]
            rule, _used = rules.benefit_rule(region, scheme, status, tier, visit, data.get("level"), on_date)
        except rules.RuleNotFound:
            return relevant
        if rule.annual_limit is not None:
            relevant.add("paid_this_year")
        if rule.signed_bonus or rule.mountain_bonus:
            relevant.add("signed")
        if rule.mountain_bonus:
            relevant.add("mountain")
        return relevant

    def clean_date(self):
        return self.check_date_range(self.cleaned_data.get("date")) or rules.today()

    def clean_paid_this_year(self):
        return self.cleaned_data.get("paid_this_year") or Decimal("0")

    def clean(self):
        data = super().clean()
        data.setdefault("paid_this_year", Decimal("0"))
        data.setdefault("group", "ordinary")
        data.setdefault("status", "")
        data.setdefault("tier", None)
        return data


def _tier(data):
    value = data.get("tier")
    return int(value) if value in ("1", "2", "3") else None


class DeadlineForm(DatedFormMixin, RegionGroupMixin, GetForm):
    STATUS_CHOICES = [
        (Enrolment.CONTINUOUS, _("I was insured last year too")),
        (Enrolment.NEW, _("I am joining for the first time")),
        (Enrolment.LAPSED, _("I had a break in cover")),
        (Enrolment.NEWBORN, _("A newborn baby")),
    ]

    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS, widget=ListSelect)
    year = coverage_year_field(required=False, help_text=_("The year the payment covers. Left empty: the year "
                                                           "whose payment period is open now or comes next."))
    paid_on = date_field(_("Date you pay (or paid)"), required=False)
    status = forms.ChoiceField(label=_("Your situation"), choices=STATUS_CHOICES)
    gap_years = forms.IntegerField(
        label=_("Years without cover"), min_value=0, max_value=50, required=False,
        error_messages={"invalid": _("Enter a whole number of years, for example 2."),
                        "min_value": _("The number of years cannot be negative."),
                        "max_value": _("Enter at most 50 years.")},
    )
    repaid_years = forms.IntegerField(
        label=_("Years paid back"), min_value=0, max_value=50, required=False,
        error_messages={"invalid": _("Enter a whole number of years, for example 1."),
                        "min_value": _("The number of years cannot be negative."),
                        "max_value": _("Enter at most 50 years.")},
    )
    birth_date = date_field(_("Baby's date of birth"), required=False)
    group = forms.ChoiceField(label=_("Population group"), error_messages=GROUP_ERRORS)

    defaults = {"status": Enrolment.CONTINUOUS, "group": "ordinary"}

    def get_defaults(self, data):
        today = rules.today()
        try:
            year = rules.default_coverage_year(data.get("region") or "national", today)
        except rules.RuleNotFound:
            year = today.year + 1
        return {**self.defaults, "paid_on": today.isoformat(), "year": str(year)}

    def shape(self, data):
        self.limit_dates()
        relevant = {"region", "year", "paid_on", "status", "group"}
        if data.get("status") == Enrolment.LAPSED:
            relevant |= {"gap_years", "repaid_years"}
        if data.get("status") == Enrolment.NEWBORN:
            relevant.add("birth_date")
        return relevant

    def clean_paid_on(self):
        return self.check_date_range(self.cleaned_data.get("paid_on")) or rules.today()

    def clean_birth_date(self):
        return self.check_date_range(self.cleaned_data.get("birth_date"))

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is None:
            raise forms.ValidationError(_("Enter the coverage year, for example 2027."), code="required")
        return year

    def clean(self):
        data = super().clean()
        # Each check reads what is valid so far: a field with an error of its own is simply absent.
        status = data.get("status")
        gap = data.get("gap_years") or 0
        repaid = data.get("repaid_years") or 0
        if status == Enrolment.NEWBORN:
            birth = data.get("birth_date")
            if not birth and "birth_date" not in self.errors:
                self.add_error("birth_date", _("Enter the baby's date of birth."))
            elif birth and data.get("paid_on") and birth > data["paid_on"]:
                self.add_error("birth_date", _("The date of birth cannot be after the payment date."))
        if status != Enrolment.LAPSED:
            gap = repaid = 0
        elif not gap and "gap_years" not in self.errors:
            self.add_error("gap_years", _("Enter how many years you were without cover (at least 1)."))
        elif gap and repaid > gap and "repaid_years" not in self.errors:
            self.add_error("repaid_years", _("You cannot pay back more years than you were without cover."))
        data["gap_years"], data["repaid_years"] = gap, repaid
        return data


class ContributionForm(DatedFormMixin, RegionGroupMixin, GetForm):
    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS, widget=ListSelect)
    year = coverage_year_field(help_text=_("Left empty: this year."))

    MAX_PEOPLE = 30

    def setup(self):
        super().setup()
        self.groups = rules.population_groups()
        for group in self.groups:
            self.fields[group.slug] = forms.IntegerField(
                label=str(group), min_value=0, max_value=self.MAX_PEOPLE, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": str(self.MAX_PEOPLE)}),
                error_messages={"invalid": _("Enter a whole number of people, for example 2."),
                                "min_value": _("The number of people cannot be negative."),
                                "max_value": _("Enter at most 30 people for one group.")},
            )

    def get_defaults(self, data):
        defaults = {"year": str(rules.today().year)}
        if not any(group.slug in data for group in rules.population_groups()):
            defaults["ordinary"] = "1"  # a link with only a region asks what one ordinary resident pays
        return defaults

    def shape(self, data):
        """The groups the region sets a contribution for that year, and any group the link counts people in."""
        self.limit_dates()
        relevant = {"region", "year"}
        region = region_of(data)
        year = data.get("year")
        try:
            standards, _used = rules.contributions(region, int(year)) if region and str(year).isdigit() else ({}, None)
        except rules.RuleNotFound:
            standards = {}
        for group in self.groups:
            if group.slug in standards or not standards or data.get(group.slug) not in (None, "", "0"):
                relevant.add(group.slug)
        self.groups = [group for group in self.groups if group.slug in relevant]
        return relevant

    def group_fields(self):
        return [self[group.slug] for group in self.groups]

    def clean(self):
        data = super().clean()
        counts = {g.slug: data.get(g.slug) or 0 for g in self.groups}
        data["counts"] = counts
        if not self.errors and not any(counts.values()):
            raise forms.ValidationError(_("Enter how many people in your household belong to at least one group."))
        return data
