"""The translation parity page: every translated text of both apps that needs an editor's attention."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from calculators.models import PopulationGroup, Region
from core import parity
from guides.models import FAQ, Guide, Topic

TRANSLATED = {Topic: ("name", "description"), Guide: ("title", "summary", "body"), FAQ: ("question", "answer"),
              Region: ("name",), PopulationGroup: ("name",)}


def report():
    """Every translated object that needs an editor's attention, grouped by model."""
    groups = []
    for model, names in TRANSLATED.items():
        rows = [p for p in parity.parity_of(model._default_manager.all(), names) if not p.ok]
        groups.append((model._meta.verbose_name_plural, rows))
    return groups


def parity_view(request):
    groups = report()
    context = {
        **admin.site.each_context(request),
        "title": _("Translation parity"),
        "groups": groups,
        "total": sum(len(rows) for _name, rows in groups),
    }
    return TemplateResponse(request, "admin/parity.html", context)
