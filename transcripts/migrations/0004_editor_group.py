"""The "Editor" group with the permissions listed in transcripts/roles.py.

Permissions are normally created after the last migration (post_migrate); they are created here
first so the group can be given them on a fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from transcripts.roles import ensure_editor_group


def create_editor_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    ensure_editor_group(apps, using=using)


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("transcripts", "0003_quote_published_tag_aliases_redirects"),
    ]

    operations = [
        # Reversing leaves the group in place: it may hold editors by then.
        migrations.RunPython(create_editor_group, migrations.RunPython.noop),
    ]
