"""The admin's change history for content and rules: who changed what, when, and a way back.

django-simple-history records every save; its admin lists the versions with
the fields each one changed and can restore any of them. This base adds a
side-by-side comparison of any two versions, with a line diff for long texts.
"""

import difflib

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

LONG_TEXT = 120


def field_differences(older, newer):
    """[(label, old, new, diff lines or None)] for every tracked field that differs between two versions."""
    rows = []
    for field in newer.instance_type._meta.fields:
        if field.name in {"id", "version", "search_zh", "search_ru"} or not hasattr(older, field.attname):
            continue
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        if old == new:
            continue
        diff = None
        if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
            diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))[2:]
        rows.append((field.verbose_name, old, new, diff))
    return rows


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/history_with_compare.html"
    object_history_list_template = "admin/history_list.html"  # without the inline style the CSP refuses

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        compare = self.admin_site.admin_view(self.history_compare_view)
        return [path("<path:object_id>/history/compare/", compare, name="%s_%s_history_compare" % info),
                *super().get_urls()]

    def history_compare_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(obj.history.order_by("-history_date", "-history_id"))
        by_id = {str(v.history_id): v for v in versions}
        older = by_id.get(request.GET.get("older", ""))
        newer = by_id.get(request.GET.get("newer", ""))
        if older is None or newer is None:
            older, newer = (versions[1], versions[0]) if len(versions) > 1 else (None, None)
        if older is not None and older.history_date > newer.history_date:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions of %(object)s") % {"object": obj},
            "opts": self.model._meta, "object": obj, "versions": versions, "older": older, "newer": newer,
            "differences": field_differences(older, newer) if older is not None else [],
        }
        return TemplateResponse(request, "admin/history_compare.html", context)
