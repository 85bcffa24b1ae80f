"""Moving the content between databases (export_content / import_content).

``dumpdata`` of the content apps with ``--natural-foreign`` keeps every primary key, so history rows still
point at their guides, and names people by user name, since user ids differ between databases. Loading it
needs those people to exist: ``ensure_users`` gives each missing one an inactive account without a password.
"""

import yaml
from django.contrib.auth import get_user_model

CONTENT_APPS = ("guides", "calculators")
USER_FIELDS = ("last_author", "history_user")


def referenced_usernames(path):
    with open(path, encoding="utf-8") as handle:
        objects = yaml.safe_load(handle) or []
    names = set()
    for obj in objects:
        for field in USER_FIELDS:
            value = obj["fields"].get(field)
            if isinstance(value, list) and value:
                names.add(value[0])
    return names


def ensure_users(path):
    User = get_user_model()
    created = []
    for name in sorted(referenced_usernames(path)):
        user, made = User.objects.get_or_create(**{User.USERNAME_FIELD: name}, defaults={"is_active": False})
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created.append(name)
    return created
