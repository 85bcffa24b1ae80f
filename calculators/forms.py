"""The calculators' GET forms: every answer a resident gives lives in the URL.

Forms only check what was typed (numbers, dates, known slugs). Whether a
rule exists for that region, year or hospital level is the rules layer's
business; the view turns a ``RuleNotFound`` into a message on the field.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from calculators import rules
from calculators.engine.codes import Enrolment
from calculators.models import EmployeeStatus, Level, Scheme, Visit

MAX_COST = Decimal("100000000")  # a hundred million yuan: beyond any real bill, and safe for Decimal maths
FIRST_YEAR = 2000
YEARS_AHEAD = 2  # a coverage year further ahead than this is a typing mistake, not a question


def last_year():
    """The latest coverage year a calculator answers: rules are entered at most a year or two ahead."""
    return rules.today().year + YEARS_AHEAD


class GetForm(forms.Form):
    """A form read from the query string; fields left out of a link take their defaults."""

    defaults = {}

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for name, value in self.get_defaults(data).items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, **kwargs)

    def get_defaults(self, data):
        return dict(self.defaults)


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


class RegionGroupMixin:
    def setup_region_choices(self):
        self.fields["region"].choices = [(r.slug, str(r)) for r in rules.regions()]

    def setup_group_choices(self, name="group"):
        self.fields[name].choices = [(g.slug, str(g)) for g in rules.population_groups()]


REGION_ERRORS = {"invalid_choice": _("We have no rules for that region. Choose one from the list.")}
GROUP_ERRORS = {"invalid_choice": _("Unknown population group. Choose one from the list.")}


class ReimbursementForm(DatedFormMixin, RegionGroupMixin, GetForm):
    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS)
    scheme = forms.ChoiceField(label=_("Insurance scheme"), choices=Scheme.choices)
    status = forms.ChoiceField(
        label=_("Employment status (employees' insurance)"),
        choices=[(EmployeeStatus.WORKING, EmployeeStatus.WORKING.label), (EmployeeStatus.RETIRED, EmployeeStatus.RETIRED.label)],
        required=False,
    )
    tier = forms.TypedChoiceField(
        label=_("Contribution tier"), choices=[("", _("no tiers")), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int, empty_value=None, required=False,
        help_text=_("Only some cities (for example Jinhua) have contribution tiers."),
    )
    visit = forms.ChoiceField(label=_("Kind of care"), choices=Visit.choices)
    level = forms.ChoiceField(label=_("Hospital level"), choices=Level.choices)
    cost = money_field(_("In-policy cost (yuan)"), help_text=_("The part of the bill that insurance covers, from your invoice."))
    paid_this_year = money_field(
        _("Already paid by the fund this year (yuan)"), required=False,
        help_text=_("Counts against the annual limit. Leave 0 if this is your first claim this year."),
    )
    date = date_field(_("Date of treatment"), required=False)
    group = forms.ChoiceField(label=_("Population group"), error_messages=GROUP_ERRORS)
    signed = forms.BooleanField(label=_("Signed up with a family doctor or primary care institution"),
                                required=False)
    mountain = forms.BooleanField(label=_("Treated at a township health centre in a mountain area"), required=False)

    defaults = {"scheme": "resident", "visit": "inpatient", "level": "level3", "group": "ordinary", "paid_this_year": "0"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_choices()
        self.setup_group_choices()
        self.limit_dates()

    def get_defaults(self, data):
        return {**self.defaults, "date": rules.today().isoformat()}

    def clean_date(self):
        return self.check_date_range(self.cleaned_data.get("date")) or rules.today()

    def clean_paid_this_year(self):
        return self.cleaned_data.get("paid_this_year") or Decimal("0")

    def clean(self):
        data = super().clean()
        if data.get("scheme") == Scheme.EMPLOYEE and not data.get("status"):
            self.add_error("status", _("For employees' insurance, choose whether you are in work or retired."))
        if data.get("scheme") == Scheme.RESIDENT:
            data["status"] = ""
        return data


class DeadlineForm(DatedFormMixin, RegionGroupMixin, GetForm):
    STATUS_CHOICES = [
        (Enrolment.CONTINUOUS, _("I was insured last year too")),
        (Enrolment.NEW, _("I am joining for the first time")),
        (Enrolment.LAPSED, _("I had a break in cover")),
        (Enrolment.NEWBORN, _("A newborn baby")),
    ]

    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS)
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

    defaults = {"status": Enrolment.CONTINUOUS, "group": "ordinary", "gap_years": "0", "repaid_years": "0"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_choices()
        self.setup_group_choices()
        self.limit_dates()

    def get_defaults(self, data):
        today = rules.today()
        try:
            year = rules.default_coverage_year(data.get("region") or "national", today)
        except rules.RuleNotFound:
            year = today.year + 1
        return {**self.defaults, "paid_on": today.isoformat(), "year": str(year)}

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
    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS)
    year = coverage_year_field(help_text=_("Left empty: this year."))

    MAX_PEOPLE = 30

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_choices()
        self.groups = rules.population_groups()
        for group in self.groups:
            self.fields[group.slug] = forms.IntegerField(
                label=str(group), min_value=0, max_value=self.MAX_PEOPLE, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": str(self.MAX_PEOPLE)}),
                error_messages={"invalid": _("Enter a whole number of people, for example 2."),
                                "min_value": _("The number of people cannot be negative."),
                                "max_value": _("Enter at most 30 people for one group.")},
            )
        self.limit_dates()

    def get_defaults(self, data):
        defaults = {"year": str(rules.today().year)}
        if not any(group.slug in data for group in rules.population_groups()):
            defaults["ordinary"] = "1"  # a link with only a region asks what one ordinary resident pays
        return defaults

    def group_fields(self):
        return [self[group.slug] for group in self.groups]

    def clean(self):
        data = super().clean()
        counts = {g.slug: data.get(g.slug) or 0 for g in self.groups}
        data["counts"] = counts
        if not self.errors and not any(counts.values()):
            raise forms.ValidationError(_("Enter how many people in your household belong to at least one group."))
        return data
