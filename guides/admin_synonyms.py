"""Admin for the search synonyms (registered from ``GuidesConfig.ready``, beside the other content admins)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guides.models import Synonym
from core.admin_history import HistoryAdmin


@admin.register(Synonym)
class SynonymAdmin(HistoryAdmin):
    list_display = ["term", "same_as", "both_ways", "note"]
    list_filter = ["both_ways"]
    search_fields = ["term", "same_as", "note"]
    fieldsets = [(None, {
        "fields": [("term", "same_as"), "both_ways", "note"],
        "description": _(
            "A search for the first side also finds pages that use the second, and the other way round "
            "unless you untick it. Pairs that share a side join up: with 交费 = 缴费 and 交钱 = 缴费, each of "
            "the three finds the other two. Changes apply to the next search."
        ),
    })]
