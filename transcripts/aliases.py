"""Old names and old addresses that lead to today's records.

A tag alias (LLM → 大模型) and a speaker alias (王王明 → 王明; 说话人1 of one event → 王明) let
suggestions, search and later imports read another name as the record it stands for; a tag or
speaker redirect keeps the address a tag or speaker had before a rename or merge answering.
Imported by `transcripts.models`, which is where the rest of the code finds them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from taggit.models import Tag

from .models import Event, Speaker


class TagAlias(models.Model):
    """A synonym that maps onto a tag, for tag suggestions and search (LLM → 大模型)."""

    tag = models.ForeignKey(Tag, models.CASCADE, related_name="aliases", verbose_name="标签")
    name = models.CharField(
        "别名", max_length=100, unique=True, help_text="同义词，例如 LLM 是“大模型”的别名"
    )

    class Meta:
        verbose_name = "标签别名"
        verbose_name_plural = "标签别名"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="alias_not_empty")]

    def __str__(self) -> str:
        return f"{self.name} → {self.tag.name}"


class TagRedirect(models.Model):
    """The slug a tag had before it was renamed or merged, so old links keep working."""

    old_slug = models.CharField(
        "旧网址名", max_length=100, unique=True, help_text="改名或合并之前的网址名"
    )
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="redirects", verbose_name="标签")

    class Meta:
        verbose_name = "标签重定向"
        verbose_name_plural = "标签重定向"

    def __str__(self) -> str:
        return f"/tags/{self.old_slug}/ → {self.tag.name}"


class SpeakerAlias(models.Model):
    """Another name a speaker goes by, so a later import maps it to them.

    Without an event it is global (王王明 → 王明 wherever it appears); with one it is a label of
    that event only (说话人1 of event X is 王明), recorded when an editor names a placeholder.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=100)
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="speaker_aliases",
        verbose_name="活动",
        help_text="留空：所有活动通用；填写：只在这场活动的导入中生效",
    )

    class Meta:
        verbose_name = "发言人别名"
        verbose_name_plural = "发言人别名"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "event"],
                condition=Q(event__isnull=False),
                name="unique_speaker_alias_in_event",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(event__isnull=True), name="unique_speaker_alias"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_alias_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.speaker.name}"


class SpeakerRedirect(models.Model):
    """The slug a speaker had before being merged into another, so old links keep working."""

    old_slug = models.CharField("旧网址名", max_length=100, unique=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        verbose_name = "发言人重定向"
        verbose_name_plural = "发言人重定向"

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.speaker.slug}"
