"""The calculators' GET forms: every answer a resident gives lives in the URL.

Forms only check what was typed (numbers, dates, known slugs). Whether a
rule exists for that region, year or hospital level is the rules layer's
business; the view turns a ``RuleNotFound`` into a message on the field.
"""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calculators import rules
from calculators.models import EmployeeStatus, Level, Scheme, Visit

MAX_COST = Decimal("100000000")  # a hundred million yuan: beyond any real bill, and safe for Decimal maths
FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)


class GetForm(forms.Form):
    """A form read from the query string; fields left out of a link take their defaults."""

    defaults = {}

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for name, value in self.get_defaults().items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, **kwargs)

    def get_defaults(self):
        return dict(self.defaults)


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a real date as year-month-day, for example 2025-03-31.")},
        **kwargs,
    )


def coverage_year_field():
    return forms.IntegerField(
        label=_("Coverage year"), min_value=2000, max_value=2100,
        error_messages={"invalid": _("Enter the year as four digits, for example 2025."),
                        "min_value": _("Enter a year between 2000 and 2100."),
                        "max_value": _("Enter a year between 2000 and 2100.")},
    )


def check_date_range(value):
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
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


class ReimbursementForm(RegionGroupMixin, GetForm):
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
    signed = forms.BooleanField(label=_("Signed up with a family doctor"), required=False)
    mountain = forms.BooleanField(label=_("Township hospital in a mountain area"), required=False)

    defaults = {"scheme": "resident", "visit": "inpatient", "level": "level3", "group": "ordinary", "paid_this_year": "0"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_choices()
        self.setup_group_choices()

    def get_defaults(self):
        return {**self.defaults, "date": timezone.localdate().isoformat()}

    def clean_date(self):
        return check_date_range(self.cleaned_data.get("date")) or timezone.localdate()

    def clean_paid_this_year(self):
        return self.cleaned_data.get("paid_this_year") or Decimal("0")

    def clean(self):
        data = super().clean()
        if data.get("scheme") == Scheme.EMPLOYEE and not data.get("status"):
            self.add_error("status", _("For employees' insurance, choose whether you are in work or retired."))
        if data.get("scheme") == Scheme.RESIDENT:
            data["status"] = ""
        return data


class DeadlineForm(RegionGroupMixin, GetForm):
    STATUS_CHOICES = [
        ("continuous", _("I was insured last year too")),
        ("new", _("I am joining for the first time")),
        ("lapsed", _("I had a break in cover")),
        ("newborn", _("A newborn baby")),
    ]

    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS)
    year = coverage_year_field()
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

    defaults = {"status": "continuous", "group": "ordinary", "gap_years": "0", "repaid_years": "0"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_choices()
        self.setup_group_choices()

    def get_defaults(self):
        return {**self.defaults, "paid_on": timezone.localdate().isoformat()}

    def clean_paid_on(self):
        return check_date_range(self.cleaned_data.get("paid_on")) or timezone.localdate()

    def clean_birth_date(self):
        return check_date_range(self.cleaned_data.get("birth_date"))

    def clean(self):
        data = super().clean()
        data["gap_years"] = data.get("gap_years") or 0
        data["repaid_years"] = data.get("repaid_years") or 0
        status = data.get("status")
        if status == "newborn":
            birth = data.get("birth_date")
            if not birth and "birth_date" not in self.errors:
                self.add_error("birth_date", _("Enter the baby's date of birth."))
            elif birth and data.get("paid_on") and birth > data["paid_on"]:
                self.add_error("birth_date", _("The date of birth cannot be after the payment date."))
        if status == "lapsed" and not data["gap_years"] and "gap_years" not in self.errors:
            self.add_error("gap_years", _("Enter how many years you were without cover (at least 1)."))
        if status != "lapsed":
            data["gap_years"] = data["repaid_years"] = 0
        if data["repaid_years"] > data["gap_years"]:
            self.add_error("repaid_years", _("You cannot pay back more years than you were without cover."))
        return data


class ContributionForm(RegionGroupMixin, GetForm):
    region = forms.ChoiceField(label=_("Where you are insured"), error_messages=REGION_ERRORS)
    year = coverage_year_field()

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

    def group_fields(self):
        return [self[group.slug] for group in self.groups]

    def clean(self):
        data = super().clean()
        counts = {g.slug: data.get(g.slug) or 0 for g in self.groups}
        data["counts"] = counts
        if not self.errors and not any(counts.values()):
            raise forms.ValidationError(_("Enter how many people in your household belong to at least one group."))
        return data
