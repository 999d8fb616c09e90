# Pending admin uploads live in the database (issue 12): the confirm step may reach another worker.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transcripts", "0009_data_integrity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingUpload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=64, unique=True)),
                ("name", models.CharField(max_length=255, verbose_name="文件名")),
                ("data", models.BinaryField(verbose_name="文件内容")),
                ("format", models.CharField(max_length=20, verbose_name="格式")),
                ("replace", models.BooleanField(default=False, verbose_name="替换现有活动")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField(db_index=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "待确认的上传",
                "verbose_name_plural": "待确认的上传",
            },
        ),
    ]
