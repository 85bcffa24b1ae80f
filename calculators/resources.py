"""Bulk import and export of the rule tables (django-import-export), as CSV or XLSX.

A file round-trips: its columns are the model's field names (``resource_for``), regions and groups are
slugs, dates YYYY-MM-DD, amounts and ratios with a dot and no thousands separators, and a banded rule's
bands one ``bands`` column (``0-100000:70; 100000-:80``). Rows are matched to saved rules by their natural
key, status included, so importing an export again changes nothing and a changed figure updates its rule.

An import is all or nothing: every row goes through the model's ``full_clean()`` (the admin form's
validation, overlaps included) and a banded rule's bands through ``validate_bands``; an unknown column
refuses the file before any row is read; anything refused rolls the whole import back, dry run or not. An
import through the admin cannot publish: changes come in as drafts or rows in review.

Values are read by ``calculators.import_widgets``, the bands column by ``calculators.import_bands``; the
admin side (the dry-run page, the confirm step) is ``calculators.admin_import``.
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

from calculators.bands import BandedRule, validate_bands
from calculators.import_bands import IMPORTED_BANDS, BandsField
from calculators.import_widgets import (
    UNKNOWN_GROUP,
    UNKNOWN_REGION,
    IsoDateWidget,
    SlugForeignKeyWidget,
    SlugManyToManyWidget,
    StrictDecimalWidget,
    StrictIntegerWidget,
)
from calculators.models import (
    ContributionStandard,
    PaymentChannel,
    PaymentWindow,
    PopulationGroup,
    RecurringPaymentWindow,
    Region,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
)
from calculators.rule_base import RuleSource
from core.workflow import Status

SOURCE_COLUMNS = tuple(field.name for field in RuleSource._meta.fields)
NOT_COLUMNS = {"id", "publish_at"}  # set when publishing, in the admin
UNKNOWN_SLUG = {Region: UNKNOWN_REGION, PopulationGroup: UNKNOWN_GROUP}

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


def resource_for(model):
    """The resource of one rule table, derived from the model: the columns are its case fields and the status
    (the natural key, which finds the saved row), then its figures in the model's order, the bands of a
    banded rule, then the source. Regions and groups are read and written as slugs."""
    related = {}
    for field in model._meta.fields + model._meta.many_to_many:
        if field.is_relation and field.related_model in UNKNOWN_SLUG:
            widget = SlugManyToManyWidget if field.many_to_many else SlugForeignKeyWidget
            related[field.name] = Field(attribute=field.name, column_name=field.name,
                                        widget=widget(field.related_model, UNKNOWN_SLUG[field.related_model]))
    key = [*model.case_fields, "status"]
    figures = [field.name for field in model._meta.fields + model._meta.many_to_many
               if field.editable and field.name not in {*key, *SOURCE_COLUMNS, *NOT_COLUMNS}]
    banded = issubclass(model, BandedRule)
    meta = type("Meta", (), {"model": model, "import_id_fields": key, "name": model._meta.verbose_name_plural,
                             "fields": (*key, *figures, *(("bands",) if banded else ()), *SOURCE_COLUMNS)})
    base = BandedRuleResource if banded else RuleResource
    return type(base)(f"{model.__name__}Resource", (base,), {
        "__module__": __name__, "Meta": meta, **related,
        "export_select_related": tuple(field.name for field in model._meta.fields if field.name in related),
        "export_prefetch_related": (*base.export_prefetch_related,
                                    *(field.name for field in model._meta.many_to_many)),
    })


PaymentWindowResource = resource_for(PaymentWindow)
RecurringPaymentWindowResource = resource_for(RecurringPaymentWindow)
WaitingPolicyResource = resource_for(WaitingPolicy)
ContributionStandardResource = resource_for(ContributionStandard)
ReimbursementRuleResource = resource_for(ReimbursementRule)
SeriousIllnessRuleResource = resource_for(SeriousIllnessRule)
PaymentChannelResource = resource_for(PaymentChannel)
