"""The list action that records that both languages of an item say the same (see ``core.parity``)."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import parity


@admin.action(description=gettext_lazy("Confirm both languages say the same"), permissions=["change"])
def confirm_translation(modeladmin, request, queryset):
    for obj in queryset:
        obj._change_reason = parity.CONFIRMED
        obj.save()
    messages.success(request, _("Marked %(count)d item(s) as translated.") % {"count": queryset.count()})
    return redirect(request.get_full_path())
