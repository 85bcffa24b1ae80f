"""Bulk import and export of the rule tables (django-import-export), as CSV or XLSX.

One resource per rule table. A file round-trips: its columns are the model's field names, regions and
groups are written as their slugs, dates as YYYY-MM-DD, amounts and ratios with a dot and no
thousands separators, and a banded rule's bands as one ``bands`` column::

    0-100000:70; 100000-:80      (lower-upper:ratio; an empty upper end for the last band)

Rows are matched to saved rules by their natural key (``import_id_fields``), so importing an export
again changes nothing (every row is reported unchanged) and a changed figure updates its rule.

An import is all or nothing. Every row goes through the model's ``full_clean()`` -- the same
validation as the admin form, overlaps between rules included -- and a banded rule's bands through
its ``validate_bands``; a refused row is reported with its number, the column and the reason. A file
with a column this table does not have is refused before any row is read. If anything is refused,
the whole import is rolled back, dry run or not.

Every rule row has a review status (draft, review, published) and the status is part of its natural
key, so it is a column too: a draft successor and the published row it will replace are two rows of
the file. An import through the admin cannot publish: a row that would add or change a published
rule is refused, so changes come in as drafts or rows in review and a reviewer publishes them in the
admin, as for a change made in a form. (``publish_at`` is set when publishing, in the admin; it is not
a column.)

Values are read by ``calculators.import_widgets``, the bands column by ``calculators.import_bands``; the admin
side (the dry-run page, the confirm step) is ``calculators.admin_import``.
"""


from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import Error

from calculators.bands import validate_bands
from calculators.import_bands import IMPORTED_BANDS, BandsField
from calculators.import_widgets import (
    UNKNOWN_GROUP, UNKNOWN_REGION, IsoDateWidget, SlugForeignKeyWidget, SlugManyToManyWidget, StrictDecimalWidget,
    StrictIntegerWidget,
)
from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    PopulationGroup,
    RecurringPaymentWindow,
    Region,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
)
from core.workflow import Status

SOURCE_COLUMNS = ("source_title", "source_title_zh", "source_title_ru", "source_issuer", "source_issuer_ru",
                  "source_document_number", "source_url", "source_note_zh", "source_note_ru", "is_example",
                  "year_assumed", "checked_on")

BAND_FIELD = _("Band %(number)s, %(field)s: %(message)s")
REPEATED_ROW = _("This row repeats row %(row)s: both are for the same %(columns)s. A file can hold each "
                 "rule only once.")
UNKNOWN_COLUMN = _("The file has a column “%(column)s” that this table does not have. Its columns are: "
                   "%(columns)s.")
REPEATED_COLUMN = _("The file has the column “%(column)s” more than once.")
UNNAMED_COLUMN = _("Column %(number)s has values but no name: name it after one of this table's columns "
                   "or remove it.")
NOT_BY_IMPORT = _("An import cannot publish: give this row the status “draft” or “review” and have another "
                  "reviewer publish it in the admin.")
MISSING_KEY_COLUMN = _("The file has no column “%(column)s”: it is needed to find the rule each row "
                       "belongs to.")


class FileRefused(Exception):
    """The file as a whole cannot be imported (its columns are wrong); no row is read."""


class RuleImportError(Error):
    """An import error; a refused file shows its message only, without a traceback."""

    @cached_property
    def traceback(self):
        if isinstance(self.error, FileRefused):
            return ""
        return super().traceback


class NaturalKeyInstanceLoader(ModelInstanceLoader):
    """Finds the saved rule by the row's natural key; an unreadable key is left for the row's own errors."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except ValueError:
            return None


class RuleResource(resources.ModelResource):
    """What every rule table shares: strict values, model validation, one transaction, all or nothing."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": StrictDecimalWidget,
        "DateField": IsoDateWidget,
        "IntegerField": StrictIntegerWidget,
        "PositiveIntegerField": StrictIntegerWidget,
        "PositiveSmallIntegerField": StrictIntegerWidget,
        "SmallIntegerField": StrictIntegerWidget,
        "TextField": widgets.CharWidget,
    }

    # Prefetched on export so that a large table exports in a few queries.
    export_select_related = ("region",)
    export_prefetch_related = ()

    class Meta:
        clean_model_instances = True  # every row through full_clean(), as in the admin form
        use_transactions = True
        skip_unchanged = True  # re-importing an export reports every row unchanged
        report_skipped = True
        instance_loader_class = NaturalKeyInstanceLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen_keys = {}  # natural key -> the first row of the file that has it
        self._user = None

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        # An empty cell is empty, not the model's default: a missing figure must be refused, as the
        # admin form refuses it. (A column left out of the file keeps the saved value or the default.)
        field.default = NOT_PROVIDED
        return field

    @classmethod
    def get_error_result_class(cls):
        return RuleImportError

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            queryset = queryset.prefetch_related(*self.export_prefetch_related)
        return queryset

    # -- the whole import

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing, whoever calls: the admin's confirm step does not ask for a rollback on a
        # refused row, and a refused row must leave everything as it was.
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
        )

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows,
                          **kwargs):
        self._seen_keys = {}
        # Who imports: the admin passes the editor; code and tests (like loaddata) pass nobody.
        self._user = kwargs.get("user")
        problems = self.column_problems(dataset)
        if problems:
            # Refused before any row is read, so nothing is saved, not even for a moment.
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for problem in problems:
                self.handle_import_error(result, FileRefused(problem), raise_errors)
            return result
        return super().import_data_inner(dataset, dry_run, raise_errors, using_transactions,
                                         collect_failed_rows, **kwargs)

    def column_problems(self, dataset):
        """What is wrong with the file's header row, as messages; [] when every column is known."""
        known = [field.column_name for field in self.get_import_fields()]
        headers = list(dataset.headers or [])
        problems, seen = [], set()
        for index, header in enumerate(headers):
            name = "" if header is None else force_str(header)
            if not name.strip():
                if any(value not in (None, "") for value in dataset.get_col(index)):
                    problems.append(UNNAMED_COLUMN % {"number": index + 1})
                continue
            if name in seen:
                problems.append(REPEATED_COLUMN % {"column": name})
                continue
            seen.add(name)
            if name not in known:
                problems.append(UNKNOWN_COLUMN % {"column": name, "columns": ", ".join(known)})
        for field_name in self.get_import_id_fields():
            column = self.fields[field_name].column_name
            if column not in seen:
                problems.append(MISSING_KEY_COLUMN % {"column": column})
        return problems

    # -- one row

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # import-export reads many-to-many cells only when saving; read them now so that an unknown
        # group is refused like any other wrong value.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(ValidationError(force_str(error),
                                                                                  code="invalid"))
        repeated = self.repeated_row(instance, errors, kwargs.get("row_number"))
        if repeated is not None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(repeated)
        if errors:
            raise ValidationError(errors)

    def repeated_row(self, instance, errors, row_number):
        """A ValidationError if an earlier row of this file has the same natural key, else None."""
        key_fields = [self.fields[name] for name in self.get_import_id_fields()]
        if any(field.attribute in errors for field in key_fields):
            return None
        key = []
        for field in key_fields:
            value = field.get_value(instance)
            key.append(value.pk if hasattr(value, "pk") else value)
        first = self._seen_keys.setdefault(tuple(key), row_number)
        if first == row_number:
            return None
        return ValidationError(REPEATED_ROW, code="repeated", params={
            "row": first, "columns": ", ".join(field.column_name for field in key_fields),
        })

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.check_row(instance, errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, errors):
        """Checks beyond the model's own, adding to ``errors`` (column -> list of ValidationError).

        Only rows that add or change something get here (unchanged rows are skipped before), so a
        published row here is one the import would publish.
        """
        key_unreadable = any(self.fields[name].attribute in errors for name in self.get_import_id_fields())
        if self._user is not None and instance.status == Status.PUBLISHED and not key_unreadable:
            # (With an unreadable key the row only looks new; its own errors say what to fix.)
            errors["status"] = [ValidationError(NOT_BY_IMPORT, code="publish")]

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if getattr(self._user, "is_authenticated", False):
            instance.last_author = self._user  # as a form save does: the importer wrote this change

    def do_instance_save(self, instance, is_create):
        with transaction.atomic(using=self.get_db_connection_name()):
            super().do_instance_save(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        with transaction.atomic(using=self.get_db_connection_name()):
            super().save_m2m(instance, row, **kwargs)


class BandedRuleResource(RuleResource):
    """A rule with bands: the ``bands`` column is validated with the rule and saved with it."""

    bands = BandsField()
    export_prefetch_related = ("bands",)

    def check_row(self, instance, errors):
        super().check_row(instance, errors)
        if "bands" not in errors:
            problems = self.band_problems(instance, errors)
            if problems:
                errors["bands"] = problems

    def band_problems(self, instance, errors):
        """The rule's bands as the admin's inline formset checks them: the set, then each band's values."""
        specs = getattr(instance, IMPORTED_BANDS, None)
        if specs is None:  # no bands column: the saved bands must still fit the (changed) rule
            specs = [band.spec() for band in instance.bands.all()] if instance.pk else []
        try:
            if "deductible" in errors or instance.band_start() is None:
                validate_bands(specs, start=None)  # where they must start is unknown until it is fixed
            else:
                instance.validate_bands(specs)
        except ValidationError as error:
            return error.error_list
        band_model = instance._meta.get_field("bands").related_model
        problems = []
        for number, spec in enumerate(sorted(specs, key=lambda band: band.lower), 1):
            band = band_model(lower=spec.lower, upper=spec.upper, ratio=spec.ratio)
            try:
                band.clean_fields(exclude=["id", "rule", "order"])
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    label = band_model._meta.get_field(name).verbose_name
                    problems.extend(
                        ValidationError(BAND_FIELD, code="band_field",
                                        params={"number": number, "field": label, "message": message})
                        for message in messages_
                    )
        return problems

    def do_instance_save(self, instance, is_create):
        # As the rule's save_with_bands: the rule and its bands in one transaction, or neither (both
        # were validated above). Bands are rewritten only when they change.
        with transaction.atomic(using=self.get_db_connection_name()):
            instance.save(force_insert=is_create)
            specs = getattr(instance, IMPORTED_BANDS, None)
            if specs is not None:
                lowest_first = lambda band: band.lower  # noqa: E731
                saved = sorted((band.spec() for band in instance.bands.all()), key=lowest_first)
                if is_create or sorted(specs, key=lowest_first) != saved:
                    instance.set_bands(specs)


def region_field():
    return Field(attribute="region", column_name="region",
                 widget=SlugForeignKeyWidget(Region, UNKNOWN_REGION))


def group_field(name):
    return Field(attribute=name, column_name=name,
                 widget=SlugForeignKeyWidget(PopulationGroup, UNKNOWN_GROUP))


def groups_field(name):
    return Field(attribute=name, column_name=name,
                 widget=SlugManyToManyWidget(PopulationGroup, UNKNOWN_GROUP))


class PaymentWindowResource(RuleResource):
    region = region_field()

    class Meta:
        model = PaymentWindow
        fields = ("region", "coverage_year", "status", "start", "end", "late_deadline", "late_cover",
                  *SOURCE_COLUMNS)
        import_id_fields = ["region", "coverage_year", "status"]
        name = PaymentWindow._meta.verbose_name_plural


class RecurringPaymentWindowResource(RuleResource):
    region = region_field()

    class Meta:
        model = RecurringPaymentWindow
        fields = ("region", "status", "first_year", "start_month", "start_day", "end_month", "end_day",
                  "ends_in_coverage_year", "late_cover", *SOURCE_COLUMNS)
        import_id_fields = ["region", "status"]
        name = RecurringPaymentWindow._meta.verbose_name_plural


class WaitingPolicyResource(RuleResource):
    region = region_field()
    exempt_groups = groups_field("exempt_groups")
    export_prefetch_related = ("exempt_groups",)

    class Meta:
        model = WaitingPolicy
        fields = ("region", "status", "valid_from", "fixed_months", "months_per_gap_year", "free_gap_years",
                  "months_removed_per_repaid_year", "long_gap_years", "long_gap_min_months", "exempt_groups",
                  "newborn_days", *SOURCE_COLUMNS)
        import_id_fields = ["region", "status"]
        name = WaitingPolicy._meta.verbose_name_plural


class ContributionStandardResource(RuleResource):
    region = region_field()
    group = group_field("group")
    export_select_related = ("region", "group")

    class Meta:
        model = ContributionStandard
        fields = ("region", "coverage_year", "group", "status", "individual", "subsidy", "subsidy_is_minimum",
                  "late_individual", *SOURCE_COLUMNS)
        import_id_fields = ["region", "coverage_year", "group", "status"]
        name = ContributionStandard._meta.verbose_name_plural


class ReimbursementRuleResource(BandedRuleResource):
    region = region_field()

    class Meta:
        model = ReimbursementRule
        fields = ("region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level",
                  "valid_from", "status", "valid_until", "deductible", "deductible_per", "deductible_per_assumed",
                  "annual_limit", "supplementary_above_limit", "signed_bonus", "mountain_bonus", "bands",
                  *SOURCE_COLUMNS)
        import_id_fields = ["region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level",
                            "valid_from", "status"]
        name = ReimbursementRule._meta.verbose_name_plural


class SeriousIllnessRuleResource(BandedRuleResource):
    region = region_field()
    reduced_groups = groups_field("reduced_groups")
    export_prefetch_related = ("bands", "reduced_groups")

    class Meta:
        model = SeriousIllnessRule
        fields = ("region", "coverage_year", "valid_from", "status", "valid_until", "deductible",
                  "reduced_deductible", "reduced_groups", "annual_cap", "bands", *SOURCE_COLUMNS)
        import_id_fields = ["region", "coverage_year", "valid_from", "status"]
        name = SeriousIllnessRule._meta.verbose_name_plural


# ---------------------------------------------------------------------------
# Reading a result


def import_problems(result):
    """Every refusal in an import result as (row number or None, column or None, message).

    Row numbers count data rows from 1, as the admin's import page shows them (the header is not a row).
    """
    problems = [(None, None, force_str(error.error)) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend((number, None, force_str(error.error)) for error in errors)
    for invalid in result.invalid_rows:
        for column, messages_ in invalid.error_dict.items():
            column = None if column == NON_FIELD_ERRORS else column
            problems.extend((invalid.number, column, force_str(message)) for message in messages_)
    return sorted(problems, key=lambda problem: (problem[0] or 0))


ROW_COLUMN_PROBLEM = _("Row %(row)s, %(column)s: %(message)s")
ROW_PROBLEM = _("Row %(row)s: %(message)s")


def describe_problems(result):
    """The refusals as sentences, each naming its row and column."""
    lines = []
    for row, column, message in import_problems(result):
        if row is None:
            lines.append(message)
        elif column is None:
            lines.append(str(ROW_PROBLEM % {"row": row, "message": message}))
        else:
            lines.append(str(ROW_COLUMN_PROBLEM % {"row": row, "column": column, "message": message}))
    return lines
