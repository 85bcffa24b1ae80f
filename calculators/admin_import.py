"""Import and export in a rule's admin: CSV and XLSX only, a dry run listing the rows to add, change and refuse,
and a confirm step that saves nothing if the file has become invalid meanwhile."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.results import RowResult

from calculators.import_report import describe_problems

#: The file formats the rule admins offer, for import and export alike.
RULE_FILE_FORMATS = [base_formats.CSV, base_formats.XLSX]

DRY_RUN_SUMMARY = _("Dry run, nothing saved yet. To add: %(new)s. To change: %(update)s. Unchanged: "
                    "%(skip)s. Refused: %(refused)s.")
FILE_REFUSED = _("The whole file is refused, nothing has been saved: fix its columns and import it again.")
ROWS_WAITING = _("Rows without errors: they will be added or changed once every refused row is fixed, "
                 "because a file is imported all or nothing.")
NOTHING_IMPORTED = _("Nothing was imported: the file has errors. Fix them and import it again.")

def dry_run_summary(result):
    if result.base_errors:
        return FILE_REFUSED
    totals = result.totals
    return DRY_RUN_SUMMARY % {
        "new": totals[RowResult.IMPORT_TYPE_NEW], "update": totals[RowResult.IMPORT_TYPE_UPDATE],
        "skip": totals[RowResult.IMPORT_TYPE_SKIP],
        "refused": totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
    }


class RuleImportExportMixin(ImportExportMixin):
    """Import and export for a rule admin; goes before ``HistoryAdmin`` in the bases.

    Simple-history adds its history view to the change form and leaves the change list alone, so
    import-export's change list template (Import / Export buttons over Django's own change list)
    composes with it unchanged.
    """

    formats = RULE_FILE_FORMATS
    to_encoding = "utf-8-sig"  # a BOM, so that spreadsheet programs read Chinese and Russian CSV right

    # import-export lets every staff user import unless a setting says otherwise: an import adds and
    # changes rows, so it needs both permissions; an export shows what the change list shows.
    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        result = context.get("result") if context else None
        if result is not None:
            context["import_summary"] = dry_run_summary(result)
            context["rows_waiting"] = ROWS_WAITING
            # import-export's own page, with a summary line and, when rows are refused, the rows that are not
            response.template_name = "admin/calculators/import.html"
        return response

    def process_result(self, result, request):
        # The confirm step imports the file again; if it has become invalid since the dry run (someone
        # changed a rule meanwhile), everything was rolled back: say so, log nothing, go back to import.
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, NOTHING_IMPORTED)
            for line in describe_problems(result):
                messages.error(request, line)
            url = reverse("admin:%s_%s_import" % self.get_model_info(), current_app=self.admin_site.name)
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
