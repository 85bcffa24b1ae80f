"""Review before publishing: draft -> in review -> published, live from a chosen moment.

What readers see is chosen by time (no cron job): a row is visible when it is published and its
``publish_at`` has passed (``PublishableQuerySet.visible``, the one place that says so). Staff previews
move that moment with ``as_of`` (see ``core.preview``). The admin side (forms, review rules, refusing
stale edits) is in ``core.admin_workflow``.
"""

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """Someone else saved the row after this form was opened."""


STALE_MESSAGE = _("Someone else saved this page after you opened it. Open it again to see their change, then make "
                  "yours; nothing of theirs has been overwritten.")
MISSING_VERSION_MESSAGE = _("This form does not say which version of the page you opened, so it cannot be saved "
                            "safely. Open the page again and redo your change.")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")


class PublishableQuerySet(models.QuerySet):
    def visible(self, at=None, *, include_drafts=False):
        """Rows visible at the moment ``at`` (default: now): published and due.

        ``include_drafts``: every draft and row in review too, whatever its ``publish_at`` (a check of a change
        before it is published); choosing between a draft and the published row for the same case is the
        caller's business.
        """
        at = at or timezone.now()
        seen = Q(status=Status.PUBLISHED) & (Q(publish_at__isnull=True) | Q(publish_at__lte=at))
        if include_drafts:
            seen |= Q(status__in=[Status.DRAFT, Status.REVIEW])
        return self.filter(seen)


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
        # "publish_<model>" beside Django's four: the reviewer role is the holder of these (core.roles).
        default_permissions = ("add", "change", "delete", "view", "publish")

    def save(self, *args, **kwargs):
        """Save, bumping the version. With ``_expected_version`` set (the version an editor's form was opened at),
        the save happens only if the row is still at that version, or raises ``StaleEdit``.

        That check is a conditional UPDATE, so the database decides: of two saves from forms opened at the same
        version, the second waits on the first one's row lock, then finds the version moved and changes nothing.
        """
        if self.pk is None or self._state.adding:
            return super().save(*args, **kwargs)
        rows = type(self)._base_manager.using(kwargs.get("using") or self._state.db or "default").filter(pk=self.pk)
        expected = getattr(self, "_expected_version", None)
        with transaction.atomic(using=rows.db):
            if expected is not None:
                if not rows.filter(version=expected).update(version=expected + 1):
                    raise StaleEdit
                self.version = expected + 1
            else:
                self.version = (rows.values_list("version", flat=True).first() or 0) + 1
            super().save(*args, **kwargs)
        self._expected_version = None

    def is_visible(self, at=None):
        at = at or timezone.now()
        return self.status == Status.PUBLISHED and (self.publish_at is None or self.publish_at <= at)


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def first_scheduled_after(at):
    """The first ``publish_at`` after ``at`` of a published row of any Publishable model (one query); None.

    What was computed from the visible rows at ``at`` stays true until then (``content_version.kept``)."""
    moments = [model._base_manager.filter(status=Status.PUBLISHED, publish_at__gt=at).order_by()
               .values_list("publish_at", flat=True)
               for model in apps.get_models() if issubclass(model, Publishable)]
    if not moments:
        return None
    return moments[0].union(*moments[1:], all=True).order_by("publish_at").first()
