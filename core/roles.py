"""The two editorial roles and what they may do.

``editors`` edit guides, FAQs, topics and policy rules; ``reviewers`` may also
publish, and change regions and population groups. Neither touches users, groups or site settings. A migration creates
the groups; a post_migrate hook keeps their permissions in step when new
models (and so new permissions) arrive.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTENT_APPS = ("guides", "calculators")
EDIT_ACTIONS = ("add", "change", "delete", "view")
# Feedback is read and cleaned up, never written, by editors.
READ_ONLY_MODELS = {"feedback"}
# Reference data every rule and answer hangs on, without a review status of its own: reviewers change it, editors
# only see it (see calculators/admin.py).
REVIEWER_ONLY_MODELS = {"region", "populationgroup"}


def role_permissions(Permission, ContentType):
    editing, publishing = [], []
    for content_type in ContentType.objects.filter(app_label__in=CONTENT_APPS):
        if content_type.model.startswith("historical"):
            continue  # history is reached through each model's own admin
        for permission in Permission.objects.filter(content_type=content_type):
            action = permission.codename.split("_", 1)[0]
            if action == "publish" or (content_type.model in REVIEWER_ONLY_MODELS and action in EDIT_ACTIONS
                                       and action != "view"):
                publishing.append(permission)
            elif action in EDIT_ACTIONS and (content_type.model not in READ_ONLY_MODELS or action in ("view", "delete")):
                editing.append(permission)
    return editing, publishing


def sync_roles(apps=global_apps, **kwargs):
    for app_label in CONTENT_APPS:
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:
            continue
        # Inside a migration the app registry holds stubs; permissions are normally made after all migrations.
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_models
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editing, publishing = role_permissions(Permission, ContentType)
    editors, _ = Group.objects.get_or_create(name="editors")
    reviewers, _ = Group.objects.get_or_create(name="reviewers")
    editors.permissions.set(editing)
    reviewers.permissions.set(editing + publishing)


def sync_roles_after_migrate(sender, **kwargs):
    sync_roles(kwargs.get("apps") or global_apps)
