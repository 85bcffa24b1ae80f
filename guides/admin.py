from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guides import rendering, revisions
from guides.models import FAQ, Guide, GuideSource, Topic
from core.admin_history import HistoryAdmin
from core.admin_parity import confirm_translation
from core.admin_workflow import WorkflowAdminMixin


@admin.action(description=_("Start a revision (the live version stays online until the revision is published)"))
def start_revision(modeladmin, request, queryset):
    started = []
    for live in queryset.filter(revision_of__isnull=True, status="published"):
        started.append(revisions.start(live, request.user))
    if started:
        links = format_html_join(", ", '<a href="{}">{}</a>', (
            (reverse(f"admin:guides_{copy._meta.model_name}_change", args=[copy.pk]), copy.slug) for copy in started
        ))
        messages.success(request, format_html("{} {}", _("Revisions started:"), links))
    else:
        messages.warning(request, _("Choose published items that are not revisions themselves."))


class SideBySideMedia:
    """Chinese and Russian fields sit next to each other, so an editor sees both in one form."""

    class Media:
        css = {"all": ["css/admin.css"]}


class RenderingWarningsMixin:
    """After a save, tell the editor once what in the Markdown readers will not see as written."""

    markdown_fields = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for name in self.markdown_fields:
            for suffix, language in (("zh", "zh-hans"), ("ru", "ru")):
                field = self.model._meta.get_field(f"{name}_{suffix}")
                for warning in rendering.render(getattr(obj, field.name), language).warnings:
                    messages.warning(request, f"{capfirst(field.verbose_name)}: {warning}")


class HasTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def __init__(self, request, params, model, model_admin):
        self.field = model_admin.translation_check_field
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("missing_ru", _("Russian missing")), ("missing_zh", _("Chinese missing"))]

    def queryset(self, request, queryset):
        field = self.field
        if self.value() == "missing_ru":
            return queryset.filter(**{f"{field}_ru": ""})
        if self.value() == "missing_zh":
            return queryset.filter(**{f"{field}_zh": ""})
        return queryset


@admin.register(Topic)
class TopicAdmin(SideBySideMedia, HistoryAdmin):
    actions = [confirm_translation]
    list_display = ["slug", "name_zh", "name_ru", "order"]
    list_editable = ["order"]
    fieldsets = [
        (None, {"fields": ["slug", "order"]}),
        (_("Texts"), {"fields": [("name_zh", "name_ru"), ("description_zh", "description_ru")]}),
    ]


class GuideSourceInline(admin.StackedInline):
    model = GuideSource
    extra = 0
    fields = [("order", "document_number", "url"), "title", ("title_zh", "title_ru"), ("issuer_zh", "issuer_ru"),
              ("note_zh", "note_ru")]


@admin.register(Guide)
class GuideAdmin(SideBySideMedia, RenderingWarningsMixin, WorkflowAdminMixin, HistoryAdmin):
    actions = [confirm_translation, start_revision]
    change_form_template = "admin/guides/guide/change_form.html"

    def get_urls(self):
        preview = admin.site.admin_view(require_POST(markdown_preview))
        return [path("preview/", preview, name="guides_guide_preview"), *super().get_urls()]
    list_display = ["slug", "title_zh", "title_ru", "topic", "status", "publish_at", "policy_year", "updated_on",
                    "last_author", "revision_of"]
    list_filter = ["status", "topic", "policy_year", HasTranslationFilter]
    search_fields = ["slug", "title_zh", "title_ru", "body_zh", "body_ru"]
    date_hierarchy = "updated_on"
    translation_check_field = "body"
    markdown_fields = ("body",)
    inlines = [GuideSourceInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": [("slug", "topic", "order"), ("published_on", "updated_on", "policy_year")]}),
        (_("Review and publishing"), {
            "fields": [("status", "publish_at"), "is_major_change", ("change_note_zh", "change_note_ru")],
            "description": _(
                "Save as draft while you work, then “in review”. Someone else with the reviewer role publishes it, "
                "at once or at a chosen time. For a major change, write a short note readers will see."
            ),
        }),
        (_("Texts"), {
            "fields": [("title_zh", "title_ru"), ("summary_zh", "summary_ru"), ("body_zh", "body_ru")],
            "description": _(
                "Markdown: ## for headings, - for lists, | for tables. "
                "A line like [[table:payment-windows region=beijing]] shows a live policy table."
            ),
        }),
    ]


@admin.register(FAQ)
class FAQAdmin(SideBySideMedia, RenderingWarningsMixin, WorkflowAdminMixin, HistoryAdmin):
    actions = [confirm_translation, start_revision]
    list_display = ["slug", "question_zh", "question_ru", "topic", "order", "status", "publish_at", "last_author",
                    "revision_of"]
    list_filter = ["status", "topic", HasTranslationFilter]
    # No list_editable: a row edited in the list carries no version and no review, so the order changes in the form.
    search_fields = ["slug", "question_zh", "question_ru", "answer_zh", "answer_ru"]
    translation_check_field = "answer"
    markdown_fields = ("answer",)
    fieldsets = [
        (None, {"fields": [("slug", "topic", "order"), "updated_on"]}),
        (_("Review and publishing"), {"fields": [("status", "publish_at")]}),
        (_("Texts"), {"fields": [("question_zh", "question_ru"), ("answer_zh", "answer_ru")]}),
    ]


# Reader feedback (guides/feedback.py). Imported here so the edits above stay untouched.
from django.db.models import Count  # noqa: E402
from django.utils.text import Truncator  # noqa: E402

from guides.models import Feedback  # noqa: E402


class FeedbackPageFilter(admin.SimpleListFilter):
    """Every page that has feedback, with how many answers it got."""

    title = _("page")
    parameter_name = "page"

    def lookups(self, request, model_admin):
        pages = Feedback.objects.values("page").annotate(answers=Count("pk")).order_by("page")
        return [(row["page"], f"{row['page']} ({row['answers']})") for row in pages]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(page=self.value())
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read-only: readers write feedback, editors read and filter it and may delete spam."""

    list_display = ["page", "language", "useful", "short_comment", "created_at"]
    list_filter = ["language", "useful", "page_kind", ("created_at", admin.DateFieldListFilter), FeedbackPageFilter]
    search_fields = ["comment", "page"]
    date_hierarchy = "created_at"
    fields = ["page", "page_kind", "language", "useful", "comment", "created_at"]
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return Truncator(obj.comment).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def markdown_preview(request):
    """The guide body exactly as readers will see it, live tables included, for the editor's preview pane."""
    if not request.user.has_perm("guides.change_guide"):
        raise PermissionDenied
    language = request.POST.get("language") if request.POST.get("language") in ("zh-hans", "ru") else "zh-hans"
    text = request.POST.get(f"body_{'zh' if language == 'zh-hans' else 'ru'}", "")
    return TemplateResponse(request, "admin/guides/guide/_preview.html",
                            {"rendered": rendering.render(text, language), "language": language})

