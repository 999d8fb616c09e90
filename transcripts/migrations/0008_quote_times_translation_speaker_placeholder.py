"""Quotes get their place in the recording (start and end, in seconds) and the turn in the
source's other language; speakers get the `placeholder` flag (说话人1: one event's speaker,
waiting for an editor to name them).

Speakers already named like a placeholder (and without a handle, which names someone) are flagged, with a frozen copy of the import's rule
(`speaker_matching.PLACEHOLDER_NAME` as it was when this migration was written), so that
/speakers/ stops listing them. On SQLite the table rebuild that the new check constraints need
drops triggers on the quote table: the search index's delete trigger (0005, already lost by
0006's rebuild) is created again.
"""

import re

from django.db import migrations, models

PLACEHOLDER_NAME = re.compile(
    r"(?:说话人|說話人|发言人|發言人|讲者|講者|嘉宾|嘉賓|与会者|與會者|参会者|參會者|"
    r"提问者|提問者|提问人|提問人|观众|觀眾|听众|聽眾|主持人|主持|采访人|採訪人|采访者|"
    r"採訪者|受访人|受訪人|受访者|受訪者|记者|記者|未知|"
    r"speaker|spk|guest|host|moderator|audience(?: member)?|participant|questioner|"
    r"interviewer|interviewee|unknown)"
    r"(?:[\s_-]*\d+|[\s_-]+[a-z])?",
    re.IGNORECASE,
)


def flag_placeholders(apps, schema_editor):
    Speaker = apps.get_model("transcripts", "Speaker")
    ids = [
        pk
        for pk, name in Speaker.objects.filter(handle="").values_list("pk", "name")
        if PLACEHOLDER_NAME.fullmatch(name.strip())
    ]
    Speaker.objects.filter(pk__in=ids).update(placeholder=True)


def restore_search_delete_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE TRIGGER IF NOT EXISTS transcripts_quote_fts_delete AFTER DELETE ON "
        "transcripts_quote BEGIN DELETE FROM transcripts_quote_fts WHERE rowid = old.id; END"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        ('transcripts', '0007_search_index_marked_columns'),
    ]

    operations = [
        migrations.AddField(
            model_name='quote',
            name='end_time',
            field=models.FloatField(blank=True, help_text='seconds', null=True, verbose_name='结束时间'),
        ),
        migrations.AddField(
            model_name='quote',
            name='start_time',
            field=models.FloatField(blank=True, help_text='seconds into the recording', null=True, verbose_name='开始时间'),
        ),
        migrations.AddField(
            model_name='quote',
            name='translation',
            field=models.TextField(blank=True, help_text="the turn in the source's other language (bilingual)", verbose_name='另一语言'),
        ),
        migrations.AddField(
            model_name='speaker',
            name='placeholder',
            field=models.BooleanField(default=False, help_text='一场活动内的占位发言人，如 说话人1；待编辑命名', verbose_name='待命名'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('start_time__isnull', True), ('start_time__gte', 0), _connector='OR'), name='quote_start_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('end_time__isnull', True), ('end_time__gte', 0), _connector='OR'), name='quote_end_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('start_time__isnull', True), ('end_time__isnull', True), ('end_time__gte', models.F('start_time')), _connector='OR'), name='quote_ends_after_it_starts'),
        ),
        migrations.RunPython(flag_placeholders, migrations.RunPython.noop),
        migrations.RunPython(restore_search_delete_trigger, migrations.RunPython.noop),
    ]
