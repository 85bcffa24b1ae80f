from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guides.models import FAQ, Guide, GuideSource, Topic
from portal.admin_history import HistoryAdmin


class SideBySideMedia:
    """Chinese and Russian fields sit next to each other, so an editor sees both in one form."""

    class Media:
        css = {"all": ["css/admin.css"]}


class HasTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("missing_ru", _("Russian missing")), ("missing_zh", _("Chinese missing"))]

    def queryset(self, request, queryset):
        field = model_admin.translation_check_field
        if self.value() == "missing_ru":
            return queryset.filter(**{f"{field}_ru": ""})
        if self.value() == "missing_zh":
            return queryset.filter(**{f"{field}_zh": ""})
        return queryset


@admin.register(Topic)
class TopicAdmin(SideBySideMedia, HistoryAdmin):
    list_display = ["slug", "name_zh", "name_ru", "order"]
    list_editable = ["order"]
    fieldsets = [
        (None, {"fields": ["slug", "order"]}),
        (_("Texts"), {"fields": [("name_zh", "name_ru"), ("description_zh", "description_ru")]}),
    ]


class GuideSourceInline(admin.StackedInline):
    model = GuideSource
    extra = 0
    fields = [("order", "document_number", "url"), ("title", "title_ru"), ("issuer_zh", "issuer_ru"), ("note_zh", "note_ru")]


@admin.register(Guide)
class GuideAdmin(SideBySideMedia, HistoryAdmin):
    list_display = ["slug", "title_zh", "title_ru", "topic", "status", "policy_year", "updated_on"]
    list_filter = ["status", "topic", "policy_year", HasTranslationFilter]
    search_fields = ["slug", "title_zh", "title_ru", "body_zh", "body_ru"]
    date_hierarchy = "updated_on"
    translation_check_field = "body"
    inlines = [GuideSourceInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": [("slug", "topic", "order"), ("status", "published_on", "updated_on", "policy_year")]}),
        (_("Texts"), {
            "fields": [("title_zh", "title_ru"), ("summary_zh", "summary_ru"), ("body_zh", "body_ru")],
            "description": _(
                "Markdown: ## for headings, - for lists, | for tables. "
                "A line like [[table:payment-windows region=beijing]] shows a live policy table."
            ),
        }),
    ]


@admin.register(FAQ)
class FAQAdmin(SideBySideMedia, HistoryAdmin):
    list_display = ["slug", "question_zh", "question_ru", "topic", "order", "is_published"]
    list_filter = ["is_published", "topic", HasTranslationFilter]
    list_editable = ["order", "is_published"]
    search_fields = ["slug", "question_zh", "question_ru", "answer_zh", "answer_ru"]
    translation_check_field = "answer"
    fieldsets = [
        (None, {"fields": [("slug", "topic", "order"), ("is_published", "updated_on")]}),
        (_("Texts"), {"fields": [("question_zh", "question_ru"), ("answer_zh", "answer_ru")]}),
    ]
