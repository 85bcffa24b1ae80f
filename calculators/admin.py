from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from calculators.forms_admin import BandInlineFormSet
from portal.admin_history import HistoryAdmin
from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    PopulationGroup,
    Region,
    ReimbursementBand,
    ReimbursementRule,
    SeriousIllnessBand,
    SeriousIllnessRule,
    WaitingPolicy,
)

SOURCE_FIELDSET = (
    _("Source"),
    {
        "fields": (
            "source_title",
            ("source_issuer", "source_document_number"),
            "source_url",
            ("source_note_zh", "source_note_ru"),
            "checked_on",
        ),
        "description": _("Every figure needs its source. Say in the note when a source is a third-party "
                         "article or when sources disagree."),
    },
)
IN_FORCE_FIELDSET = (
    _("In force"),
    {
        "fields": (("valid_from", "valid_until"),),
        "description": _("Leave both empty when the rule holds for the whole coverage year."),
    },
)
SOURCE_SEARCH = ("source_title", "source_issuer", "source_document_number", "source_note_zh", "source_note_ru")


class CheckboxGroupsMixin:
    """Population groups are few: tick boxes read better than a multiple select."""

    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ("slug", "name_zh", "name_ru", "parent", "order")
    list_filter = ("parent",)
    list_editable = ("order",)
    search_fields = ("slug", "name_zh", "name_ru")
    fieldsets = (
        (None, {"fields": ("slug", ("name_zh", "name_ru"), "parent", "order")}),
    )


@admin.register(PopulationGroup)
class PopulationGroupAdmin(HistoryAdmin):
    list_display = ("slug", "name_zh", "name_ru", "order")
    list_editable = ("order",)
    search_fields = ("slug", "name_zh", "name_ru")
    fieldsets = (
        (None, {"fields": ("slug", ("name_zh", "name_ru"), "order")}),
    )


@admin.register(PaymentWindow)
class PaymentWindowAdmin(HistoryAdmin):
    list_display = ("region", "coverage_year", "start", "end", "late_deadline", "late_cover", "checked_on")
    list_filter = ("region", "coverage_year", "late_cover")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "coverage_year"), ("start", "end"), ("late_deadline", "late_cover"))}),
        SOURCE_FIELDSET,
    )


@admin.register(WaitingPolicy)
class WaitingPolicyAdmin(CheckboxGroupsMixin, HistoryAdmin):
    list_display = ("region", "fixed_months", "months_per_gap_year", "free_gap_years",
                    "months_removed_per_repaid_year", "newborn_days", "valid_from", "checked_on")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "valid_from"),)}),
        (_("Waiting period"), {"fields": (
            "fixed_months", ("months_per_gap_year", "free_gap_years"), "months_removed_per_repaid_year",
        )}),
        (_("Exemptions"), {"fields": ("exempt_groups", "newborn_days")}),
        SOURCE_FIELDSET,
    )


@admin.register(ContributionStandard)
class ContributionStandardAdmin(HistoryAdmin):
    list_display = ("region", "coverage_year", "group", "individual", "subsidy", "late_individual",
                    "checked_on")
    list_filter = ("region", "coverage_year", "group")
    list_select_related = ("region", "group")
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", "group__slug", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "coverage_year", "group"),
                           ("individual", "subsidy", "late_individual"))}),
        SOURCE_FIELDSET,
    )


class ReimbursementBandInline(admin.TabularInline):
    model = ReimbursementBand
    formset = BandInlineFormSet
    fields = ("lower", "upper", "ratio")
    extra = 1
    verbose_name = _("band")
    verbose_name_plural = _("bands of the cost above the deductible (the first starts at 0)")


@admin.register(ReimbursementRule)
class ReimbursementRuleAdmin(HistoryAdmin):
    list_display = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level",
                    "deductible", "deductible_per", "annual_limit", "valid_from", "valid_until", "checked_on")
    list_filter = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    inlines = [ReimbursementBandInline]
    fieldsets = (
        (_("Case"), {"fields": (("region", "coverage_year"), ("scheme", "employee_status", "tier"),
                                ("visit", "level"))}),
        (_("Benefit"), {"fields": (("deductible", "deductible_per"), "annual_limit",
                                   ("signed_bonus", "mountain_bonus"))}),
        IN_FORCE_FIELDSET,
        SOURCE_FIELDSET,
    )


class SeriousIllnessBandInline(admin.TabularInline):
    model = SeriousIllnessBand
    formset = BandInlineFormSet
    fields = ("lower", "upper", "ratio")
    extra = 1
    verbose_name = _("band")
    verbose_name_plural = _("bands of the patient's own yearly burden (the first starts at the deductible)")


@admin.register(SeriousIllnessRule)
class SeriousIllnessRuleAdmin(CheckboxGroupsMixin, HistoryAdmin):
    list_display = ("region", "coverage_year", "deductible", "reduced_deductible", "annual_cap", "valid_from",
                    "valid_until", "checked_on")
    list_filter = ("region", "coverage_year")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    inlines = [SeriousIllnessBandInline]
    fieldsets = (
        (None, {"fields": (("region", "coverage_year"), ("deductible", "annual_cap"),
                           ("reduced_deductible", "reduced_groups"))}),
        IN_FORCE_FIELDSET,
        SOURCE_FIELDSET,
    )
