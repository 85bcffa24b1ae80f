from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import parity


def parity_view(request):
    groups = parity.report()
    context = {
        **admin.site.each_context(request),
        "title": _("Translation parity"),
        "groups": groups,
        "total": sum(len(rows) for _name, rows in groups),
    }
    return TemplateResponse(request, "admin/parity.html", context)


@admin.action(description=gettext_lazy("Confirm both languages say the same"), permissions=["change"])
def confirm_translation(modeladmin, request, queryset):
    for obj in queryset:
        obj._change_reason = parity.CONFIRMED
        obj.save()
    messages.success(request, _("Marked %(count)d item(s) as translated.") % {"count": queryset.count()})
    return redirect(request.get_full_path())
