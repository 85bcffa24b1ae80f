"""Review before publishing: draft -> in review -> published, live from a chosen moment.

What readers see is chosen by time (no cron job): a row is visible when it
is published and its ``publish_at`` has passed. Staff previews move that
moment with ``as_of`` (see ``portal.preview``).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")


class PublishableQuerySet(models.QuerySet):
    def visible(self, at=None):
        """Rows readers see at the moment ``at`` (default: now)."""
        at = at or timezone.now()
        return self.filter(status=Status.PUBLISHED).filter(Q(publish_at__isnull=True) | Q(publish_at__lte=at))


class Publishable(models.Model):
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True,
        help_text=_("Leave empty to publish at once, or choose when the change goes live by itself."),
    )
    last_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("last author"), editable=False,
    )
    # Bumped on every save: a form opened at version N refuses to overwrite version N+1 (see the admin mixin).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version = (type(self).objects.filter(pk=self.pk).values_list("version", flat=True).first() or 0) + 1
        super().save(*args, **kwargs)

    def is_visible(self, at=None):
        at = at or timezone.now()
        return self.status == Status.PUBLISHED and (self.publish_at is None or self.publish_at <= at)


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


class WorkflowModelForm(forms.ModelForm):
    """Carries the version the editor opened, so a save can tell whether someone else saved meanwhile."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored row's version, not the instance's: reverting in history builds the form
            # from an old snapshot, and that revert is a deliberate save over the current version.
            model = self._meta.model
            stored = model.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["seen_version"].initial = stored if stored is not None else self.instance.version


class WorkflowAdminMixin:
    """Editors write and send for review; reviewers publish what someone else wrote.

    ``workflow_fields`` are the fields that only move a row through the workflow; a change to any
    other field makes the saving user its last author.
    """

    workflow_fields = ("status", "publish_at", "seen_version")
    form = WorkflowModelForm

    def can_publish(self, request):
        return request.user.has_perm(publish_permission(self.model))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == Status.PUBLISHED and not self.can_publish(request):
            # Editors change published rows through a reviewer; they may still send a new draft.
            readonly += [f.name for f in self.model._meta.fields if f.editable and f.name not in readonly]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        model = self.model

        class WorkflowForm(base):
            def clean(self):
                cleaned = super().clean()
                check_not_stale(self)
                check_publisher(self, model, request.user, self.instance)
                return cleaned

        if "status" in WorkflowForm.base_fields and not self.can_publish(request):
            WorkflowForm.base_fields["status"].choices = [
                (value, label) for value, label in Status.choices if value != Status.PUBLISHED
            ]
        return WorkflowForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        named = {name for _title, options in fieldsets for row in options["fields"]
                 for name in (row if isinstance(row, (list, tuple)) else [row])}
        if "seen_version" not in named:
            fieldsets = [*fieldsets, (None, {"fields": ["seen_version"], "classes": ["hidden-version"]})]
        return fieldsets

    def content_changed(self, form):
        return any(name not in self.workflow_fields for name in form.changed_data)

    def save_model(self, request, obj, form, change):
        publishing = obj.status == Status.PUBLISHED and (not change or "status" in form.changed_data
                                                          or "publish_at" in form.changed_data)
        if publishing and not self.can_publish(request):
            raise PermissionDenied
        if self.content_changed(form) or not change:
            obj.last_author = request.user
        super().save_model(request, obj, form, change)


def check_publisher(form, model, user, instance):
    """Form-level check: a reviewer cannot publish a change they wrote themselves."""
    status = form.cleaned_data.get("status")
    if status != Status.PUBLISHED:
        return
    moving = "status" in form.changed_data or "publish_at" in form.changed_data or instance.pk is None
    content_changed = any(name not in WorkflowAdminMixin.workflow_fields for name in form.changed_data)
    if not moving:
        if content_changed:
            # Editing a live page in place would publish one's own change without review.
            raise ValidationError(
                _("This is live: a change to it must be reviewed before readers see it. For a guide or a "
                  "question, start a revision (list action) and edit that; for a rule, add a successor rule. "
                  "Or set the status to “in review”, which takes it offline until another reviewer publishes it."),
                code="live_change",
            )
        return
    if instance.pk is None or content_changed or (instance.last_author_id and instance.last_author_id == user.pk):
        raise ValidationError(
            _("You wrote this change, so someone else must publish it. Save it as “in review” and ask another "
              "reviewer."),
            code="own_change",
        )


def check_not_stale(form):
    """Two editors on one page: the second save is refused instead of silently overwriting the first."""
    instance = form.instance
    if instance.pk is None:
        return
    seen = form.cleaned_data.get("seen_version")
    current = type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True).first()
    if seen is not None and current is not None and seen != current:
        raise ValidationError(
            _("Someone else saved this page after you opened it. Open it again to see their change, then make "
              "yours; nothing of theirs has been overwritten."),
            code="stale",
        )
