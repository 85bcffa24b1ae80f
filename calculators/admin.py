from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from calculators import checks, coverage, rules
from calculators.forms_admin import BandInlineFormSet
from calculators.admin_import import RuleImportExportMixin
from calculators.resources import (
    ContributionStandardResource,
    PaymentChannelResource,
    PaymentWindowResource,
    RecurringPaymentWindowResource,
    ReimbursementRuleResource,
    SeriousIllnessRuleResource,
    WaitingPolicyResource,
)
from core.admin_history import HistoryAdmin
from core.admin_parity import confirm_translation
from core.admin_workflow import WorkflowAdminMixin, WorkflowModelForm
from core.workflow import Status
from calculators.models import (
    CheckCase,
    ContributionStandard,
    PaymentChannel,
    PaymentWindow,
    PopulationGroup,
    RecurringPaymentWindow,
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
            ("source_title_zh", "source_title_ru"),
            ("source_issuer", "source_issuer_ru"),
            ("source_document_number", "source_url"),
            ("source_note_zh", "source_note_ru"),
            ("is_example", "year_assumed"),
            "checked_on",
        ),
        "description": _("Every figure needs its source. Give the title as published and translate it into the "
                         "other language. Say in the note when a source is a third-party article or when "
                         "sources disagree: readers see the note under every answer that uses the rule."),
    },
)
IN_FORCE_FIELDSET = (
    _("In force"),
    {
        "fields": (("valid_from", "valid_until"),),
        "description": _("Leave both empty when the rule holds for the whole coverage year."),
    },
)
SOURCE_SEARCH = ("source_title", "source_title_zh", "source_title_ru", "source_issuer", "source_issuer_ru",
                 "source_document_number", "source_note_zh", "source_note_ru")
REVIEW_FIELDSET = (
    _("Review and publishing"),
    {
        "fields": (("status", "publish_at"),),
        "description": _("Save as draft while you work, then “in review”. Someone else with the reviewer "
                         "role publishes it, at once or at a chosen time: the calculators use it from that "
                         "moment. To change a published rule, add a draft for the same case: it can be "
                         "published once it would not be in force beside the published rule."),
    },
)


class RuleWorkflowForm(WorkflowModelForm):
    """A post that leaves the status out keeps the rule's status (a new rule starts as a draft)."""

    def __init__(self, data=None, *args, **kwargs):
        instance = kwargs.get("instance")
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = instance.status if instance is not None and instance.pk else Status.DRAFT
        super().__init__(data, *args, **kwargs)


class RuleWorkflowMixin(WorkflowAdminMixin):
    """Rules go draft -> in review -> published like guides; lists show where each row stands."""

    form = RuleWorkflowForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {name for _title, options in fieldsets for row in options["fields"]
                 for name in (row if isinstance(row, (list, tuple)) else [row])}
        if "status" not in named:
            fieldsets.insert(1, REVIEW_FIELDSET)
        return fieldsets

    def get_list_display(self, request):
        return (*super().get_list_display(request), "status", "publish_at", "last_author")

    def get_list_filter(self, request):
        return ("status", *super().get_list_filter(request))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        rule = form.instance
        if formset.has_changed() and rule.last_author_id != request.user.pk:
            # Changing the bands is changing the rule: whoever did it cannot also publish it.
            rule.last_author = request.user
            type(rule).objects.filter(pk=rule.pk).update(last_author=request.user)


class CheckboxGroupsMixin:
    """Population groups are few: tick boxes read better than a multiple select."""

    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


# Regions and population groups are reviewer-only (portal/roles.py): every rule, table and calculator answer hangs
# on them, a renamed or re-parented region changes live answers at once, and they carry no draft/review status of
# their own. Editors see them; reviewers change them, and the history records who did what.
@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    """Regions, and the editors' "Rules coverage" page: which years and rules each region has."""

    actions = [confirm_translation]
    list_display = ("slug", "name_zh", "name_ru", "parent", "order")
    list_filter = ("parent",)
    list_editable = ("order",)
    search_fields = ("slug", "name_zh", "name_ru")
    fieldsets = (
        (None, {"fields": ("slug", ("name_zh", "name_ru"), "parent", "order")}),
    )

    def get_urls(self):
        return [path("coverage/", self.admin_site.admin_view(self.coverage_view), name="rules_coverage"),
                *super().get_urls()]

    def coverage_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = rules.today()
        return TemplateResponse(request, "admin/calculators/rules_coverage.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Rules coverage"),
            "years": coverage.years(today),
            "kinds": coverage.KINDS,
            "table": coverage.table(today),
            "stale": [(row, reverse(f"admin:calculators_{row._meta.model_name}_change", args=[row.pk]))
                      for row in coverage.stale_rows(today)],
            "warning": coverage.next_year_warning(today),
            "today": today,
        })


@admin.register(PopulationGroup)
class PopulationGroupAdmin(HistoryAdmin):
    actions = [confirm_translation]
    list_display = ("slug", "name_zh", "name_ru", "order")
    list_editable = ("order",)
    search_fields = ("slug", "name_zh", "name_ru")
    fieldsets = (
        (None, {"fields": ("slug", ("name_zh", "name_ru"), "order")}),
    )


@admin.register(PaymentWindow)
class PaymentWindowAdmin(RuleImportExportMixin, RuleWorkflowMixin, HistoryAdmin):
    resource_classes = [PaymentWindowResource]
    list_display = ("region", "coverage_year", "start", "end", "late_deadline", "late_cover", "checked_on")
    list_filter = ("region", "coverage_year", "late_cover")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "coverage_year"), ("start", "end"), ("late_deadline", "late_cover"))}),
        SOURCE_FIELDSET,
    )


@admin.register(PaymentChannel)
class PaymentChannelAdmin(RuleImportExportMixin, RuleWorkflowMixin, HistoryAdmin):
    resource_classes = [PaymentChannelResource]
    list_display = ("region", "name_zh", "name_ru", "kind", "order", "checked_on")
    list_filter = ("region", "kind")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", "name_zh", "name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "kind", "order"), ("name_zh", "name_ru"), ("how_zh", "how_ru"), "url"),
                "description": _("Only official channels: the region's own apps and mini programs, the tax "
                                 "bureau, service counters, agent banks. A region without channels of its own "
                                 "shows the national ones.")}),
        SOURCE_FIELDSET,
    )


@admin.register(RecurringPaymentWindow)
class RecurringPaymentWindowAdmin(RuleImportExportMixin, RuleWorkflowMixin, HistoryAdmin):
    resource_classes = [RecurringPaymentWindowResource]
    list_display = ("region", "first_year", "start_month", "start_day", "end_month", "end_day",
                    "ends_in_coverage_year", "checked_on")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "first_year"), ("start_month", "start_day"), ("end_month", "end_day"),
                           "ends_in_coverage_year", "late_cover"),
                "description": _("The payment period a coverage year has when no window for that year is "
                                 "entered. Answers based on it say that it is the usual period and that the "
                                 "local notice decides.")}),
        SOURCE_FIELDSET,
    )


@admin.register(WaitingPolicy)
class WaitingPolicyAdmin(RuleImportExportMixin, RuleWorkflowMixin, CheckboxGroupsMixin, HistoryAdmin):
    resource_classes = [WaitingPolicyResource]
    list_display = ("region", "fixed_months", "months_per_gap_year", "free_gap_years",
                    "months_removed_per_repaid_year", "newborn_days", "valid_from", "checked_on")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "valid_from"),)}),
        (_("Waiting period"), {"fields": (
            "fixed_months", ("months_per_gap_year", "free_gap_years"), "months_removed_per_repaid_year",
            ("long_gap_years", "long_gap_min_months"),
        )}),
        (_("Exemptions"), {"fields": ("exempt_groups", "newborn_days")}),
        SOURCE_FIELDSET,
    )


@admin.register(ContributionStandard)
class ContributionStandardAdmin(RuleImportExportMixin, RuleWorkflowMixin, HistoryAdmin):
    resource_classes = [ContributionStandardResource]
    list_display = ("region", "coverage_year", "group", "individual", "subsidy", "late_individual",
                    "checked_on")
    list_filter = ("region", "coverage_year", "group")
    list_select_related = ("region", "group")
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", "group__slug", *SOURCE_SEARCH)
    fieldsets = (
        (None, {"fields": (("region", "coverage_year", "group"),
                           ("individual", "subsidy", "late_individual"), "subsidy_is_minimum")}),
        SOURCE_FIELDSET,
    )


class BandInline(admin.TabularInline):
    formset = BandInlineFormSet
    fields = ("lower", "upper", "ratio")
    extra = 1
    verbose_name = _("band")


class ReimbursementBandInline(BandInline):
    model = ReimbursementBand
    verbose_name_plural = _("bands of the cost above the deductible (the first starts at 0)")


@admin.register(ReimbursementRule)
class ReimbursementRuleAdmin(RuleImportExportMixin, RuleWorkflowMixin, HistoryAdmin):
    resource_classes = [ReimbursementRuleResource]
    list_display = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level",
                    "deductible", "deductible_per", "annual_limit", "valid_from", "valid_until", "checked_on")
    list_filter = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level")
    list_select_related = ("region",)
    search_fields = ("region__slug", "region__name_zh", "region__name_ru", *SOURCE_SEARCH)
    inlines = [ReimbursementBandInline]
    fieldsets = (
        (_("Case"), {"fields": (("region", "coverage_year"), ("scheme", "employee_status", "tier"),
                                ("visit", "level"))}),
        (_("Benefit"), {"fields": (("deductible", "deductible_per"), "deductible_per_assumed",
                                   ("annual_limit", "supplementary_above_limit"),
                                   ("signed_bonus", "mountain_bonus"))}),
        IN_FORCE_FIELDSET,
        SOURCE_FIELDSET,
    )


class SeriousIllnessBandInline(BandInline):
    model = SeriousIllnessBand
    verbose_name_plural = _("bands of the patient's own yearly burden (the first starts at the deductible)")


@admin.register(SeriousIllnessRule)
class SeriousIllnessRuleAdmin(RuleImportExportMixin, RuleWorkflowMixin, CheckboxGroupsMixin, HistoryAdmin):
    resource_classes = [SeriousIllnessRuleResource]
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


@admin.register(CheckCase)
class CheckCaseAdmin(HistoryAdmin):
    """Known answers of the calculators, run against the rules in force and against the drafts."""

    list_display = ("name", "calculator", "inputs", "checked_on")
    list_filter = ("calculator",)
    search_fields = ("name", "inputs", "notes")
    actions = ["run_selected"]
    change_list_template = "admin/calculators/checkcase/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "calculator", "inputs", "expected", ("notes", "checked_on"))}),
    )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("run/", self.admin_site.admin_view(self.run_view), name="{}_{}_run".format(*info)),
                *super().get_urls()]

    def run_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.render_run(request, CheckCase.objects.all(), _("Run all check cases"))

    @admin.action(description=_("Run the selected check cases"), permissions=["view"])
    def run_selected(self, request, queryset):
        return self.render_run(request, queryset, _("Run the selected check cases"))

    def render_run(self, request, cases, title):
        comparisons = checks.compare_with_drafts(cases.order_by("calculator", "name"))
        counts = checks.summary([comparison.now for comparison in comparisons])
        return TemplateResponse(request, "admin/calculators/checkcase/run.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "comparisons": comparisons,
            "counts": counts,
            "changed": sum(comparison.changed for comparison in comparisons),
        })
