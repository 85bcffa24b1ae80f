"""The admin side of the publishing workflow: editors write, reviewers publish what someone else wrote,
and a save from a form opened at an older version is refused (``core.workflow`` holds the model side)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.workflow import MISSING_VERSION_MESSAGE, STALE_MESSAGE, StaleEdit, Status, publish_permission


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

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.status == Status.PUBLISHED:
            # A live guide's sources and a live rule's bands are part of it: they change through a revision or
            # successor like the rest, for reviewers too (check_publisher sees only the main form's fields).
            for inline in inlines:
                inline.has_add_permission = inline.has_change_permission = inline.has_delete_permission = (
                    lambda request, obj=None: False)
        return inlines

    def has_delete_permission(self, request, obj=None):
        # Deleting would take live content offline without review and without a trace in its history. To withdraw
        # it, a reviewer sets it back to draft (a change recorded in history); then it can be deleted.
        if obj is not None and obj.status == Status.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

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
        if change:
            seen = form.cleaned_data.get("seen_version")
            if seen is None:  # a form without the field at all (check_not_stale refuses a blank one)
                raise PermissionDenied
            obj._expected_version = seen
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusing_stale_edits(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._refusing_stale_edits(super().history_form_view, request, object_id, version_id, extra_context)

    def _refusing_stale_edits(self, view, request, *args):
        try:
            return view(request, *args)
        except StaleEdit:
            # Another save won the race after this form passed validation; everything of this one was rolled
            # back. Shown again, the form fails check_not_stale and keeps what the editor typed, with the message.
            pass
        try:
            return view(request, *args)
        except StaleEdit:
            messages.error(request, STALE_MESSAGE)
            return HttpResponseRedirect(request.path)


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
    """Two editors on one page: the second save is refused instead of silently overwriting the first.

    This read gives the editor the message with the form; the guarantee is the conditional update in
    ``Publishable.save``, which refuses the save if another one commits between this check and it.
    """
    instance = form.instance
    if instance.pk is None:
        return
    seen = form.cleaned_data.get("seen_version")
    if seen is None:
        raise ValidationError(MISSING_VERSION_MESSAGE, code="no_version")
    current = type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current is not None and seen != current:
        raise ValidationError(STALE_MESSAGE, code="stale")
