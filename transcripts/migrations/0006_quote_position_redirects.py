"""Quotes get a reading-order `position` apart from their permalink `number` (until now one and
the same, so position = number), and retired numbers get redirects."""

import django.db.models.deletion
from django.db import migrations, models


def position_is_number(apps, schema_editor):
    Quote = apps.get_model("transcripts", "Quote")
    Quote.objects.update(position=models.F("number"))


class Migration(migrations.Migration):
    dependencies = [
        ("transcripts", "0005_quote_hidden_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quote",
            options={
                "ordering": ["event", "position"],
                "verbose_name": "发言",
                "verbose_name_plural": "发言",
            },
        ),
        migrations.AlterField(
            model_name="quote",
            name="number",
            field=models.PositiveIntegerField(
                help_text="the permalink: kept across re-imports, never reused", verbose_name="编号"
            ),
        ),
        migrations.AddField(
            model_name="quote",
            name="position",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.RunPython(position_is_number, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="quote",
            name="position",
            field=models.PositiveIntegerField(
                help_text="1..N in reading order", verbose_name="顺序"
            ),
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.UniqueConstraint(
                fields=("event", "position"), name="unique_quote_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.CheckConstraint(
                condition=models.Q(("position__gte", 1)), name="quote_position_positive"
            ),
        ),
        migrations.CreateModel(
            name="QuoteRedirect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="旧编号")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="quote_redirects",
                        to="transcripts.event",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="redirects_here",
                        to="transcripts.quote",
                        verbose_name="转到",
                    ),
                ),
            ],
            options={
                "verbose_name": "发言重定向",
                "verbose_name_plural": "发言重定向",
                "ordering": ["event", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "number"), name="unique_quote_redirect"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)), name="quote_redirect_positive"
                    ),
                ],
            },
        ),
    ]
