"""Who may do what in the admin: the "Editor" group, in one place.

Editors curate: events, speakers, parts, topics, quotes and tags (add, change, delete, view), and
read the admin's change history. They manage no accounts: nothing on users or groups. The data
migration `0004_editor_group` and `manage.py setup_roles` both call `ensure_editor_group`, so a
fresh database and a repaired one hold the same group.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

EDITOR_GROUP = "Editor"

CURATED_MODELS = (
    ("transcripts", "event"),
    ("transcripts", "speaker"),
    ("transcripts", "participation"),
    ("transcripts", "section"),
    ("transcripts", "topic"),
    ("transcripts", "quote"),
    ("transcripts", "taggedquote"),
    ("transcripts", "taggedevent"),
    ("transcripts", "tagalias"),
    ("transcripts", "tagredirect"),
    ("taggit", "tag"),
)

# (app label, permission codename)
EDITOR_PERMISSIONS: tuple[tuple[str, str], ...] = (
    *(
        (app_label, f"{action}_{model}")
        for app_label, model in CURATED_MODELS
        for action in ("add", "change", "delete", "view")
    ),
    ("admin", "view_logentry"),
)


def ensure_editor_group(apps=global_apps, *, using: str = DEFAULT_DB_ALIAS):
    """Create the Editor group or set its permissions back to exactly `EDITOR_PERMISSIONS`.
    Returns (group, changed). `apps` is the migration's historical registry in a migration."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.using(using)
        .select_related("content_type")
        .filter(
            content_type__app_label__in={app_label for app_label, _ in EDITOR_PERMISSIONS},
            codename__in={codename for _, codename in EDITOR_PERMISSIONS},
        )
    }
    missing = [
        f"{app}.{codename}" for app, codename in EDITOR_PERMISSIONS if (app, codename) not in found
    ]
    if missing:
        raise LookupError(f"permissions not found (run migrate first): {', '.join(missing)}")
    wanted = {found[key].pk for key in EDITOR_PERMISSIONS}
    group, created = Group.objects.using(using).get_or_create(name=EDITOR_GROUP)
    current = set(group.permissions.values_list("pk", flat=True))
    if current != wanted:
        group.permissions.set(wanted)
    return group, created or current != wanted


def make_editor(user, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Put a user in the Editor group and let them into the admin (staff). Returns whether
    anything changed."""
    group, _ = ensure_editor_group(using=using)
    changed = not user.is_staff or not user.groups.filter(pk=group.pk).exists()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return changed
