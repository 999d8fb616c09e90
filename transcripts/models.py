"""The domain: events, the people who speak at them, and what they said.

An `Event` has numbered parts (`Section`) with sub-headings or audience questions (`Topic`);
every speaker turn is a `Quote`. A quote has a `position` (1..N in reading order) and a `number`,
its permalink (/events/<slug>/q/<number>/): equal to the position on first import, kept when a
corrected transcript is re-imported, never given to another quote later. A number that a
re-import retired is a `QuoteRedirect` to the quote its readers should see instead. A `Speaker`
is one person across events; `Participation` is their role and printed bio at one event. A
placeholder `Speaker` (说话人1, SPEAKER_00, 提问者1) names no one yet: it belongs to one event
and is never matched to anyone by a later import, until an editor names it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .parsing.vocabulary import chinese_numeral


class CuratedTags(TaggableManager):
    """taggit's manager, whose form field (every admin form with a tags box) cleans tag names as
    every other way in does: normalised, never empty, an alias read as its tag."""

    def formfield(self, form_class=None, **kwargs):
        from .tag_forms import TagNamesField  # tagging reads these models

        return super().formfield(form_class=form_class or TagNamesField, **kwargs)


class TaggedEvent(TaggedItemBase):
    content_object = models.ForeignKey("Event", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "活动标签"
        verbose_name_plural = "活动标签"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_event_tag")
        ]


class TaggedQuote(TaggedItemBase):
    content_object = models.ForeignKey("Quote", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "发言标签"
        verbose_name_plural = "发言标签"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_quote_tag")
        ]


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(published=True)

    def newest_first(self) -> EventQuerySet:
        """Explicit, because Meta.ordering is dropped from aggregate (GROUP BY) queries."""
        return self.order_by(models.F("date").desc(nulls_last=True), "-created_at", "-pk")


class Event(models.Model):
    title = models.CharField("标题", max_length=200)
    slug = models.SlugField(
        "网址名",
        max_length=120,
        unique=True,
        help_text="只用英文字母、数字和连字符，通常由标题的拼音生成",
    )
    series = models.CharField("系列", max_length=100, blank=True)
    date = models.DateField("日期", null=True, blank=True)
    organizer = models.CharField("主办方", max_length=200, blank=True)
    source_name = models.CharField("来源", max_length=200, blank=True)
    source_url = models.URLField("来源网址", max_length=500, blank=True)
    intro = models.TextField("简介", blank=True)
    published = models.BooleanField("已发布", default=False)
    source_checksum = models.CharField(
        "来源校验和",
        max_length=64,
        blank=True,
        help_text="导入的源文件的 SHA-256，用来认出同一个文件",
    )
    source_format = models.CharField("来源格式", max_length=20, blank=True)
    language = models.CharField(
        "文字",
        max_length=10,
        choices=[("zh-Hans", "简体中文"), ("zh-Hant", "繁体中文")],
        default="zh-Hans",
        help_text="实录正文的书写系统：导入时自动判断，可以改",
    )
    recording_url = models.URLField(
        "录音录像",
        max_length=500,
        blank=True,
        help_text="音频或视频文件的网址（在页面里播放），或 Bilibili / YouTube 的视频页面",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    tags = CuratedTags(through=TaggedEvent, blank=True, verbose_name="标签")
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = [models.F("date").desc(nulls_last=True), "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="event_slug_not_empty"),
            # the same source imports once, even when two imports of it race
            models.UniqueConstraint(
                fields=["source_checksum"],
                condition=~Q(source_checksum=""),
                name="unique_event_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event-detail", args=[self.slug])


class SpeakerQuerySet(models.QuerySet):
    def named(self) -> SpeakerQuerySet:
        """People the site lists (the speaker list, the sitemap): not an event's placeholders."""
        return self.filter(placeholder=False)


class Speaker(models.Model):
    name = models.CharField("姓名", max_length=100)
    slug = models.SlugField(
        "网址名",
        max_length=100,
        unique=True,
        help_text="只用英文字母、数字和连字符，通常由姓名的拼音生成",
    )
    handle = models.CharField(
        "知乎账号", max_length=100, blank=True, help_text="知乎个人主页网址中的那一段，例如 zibuyu9"
    )
    bio = models.TextField("简介", blank=True)
    placeholder = models.BooleanField(
        "待命名", default=False, help_text="一场活动内的占位发言人，如“说话人1”；待编辑改成真实姓名"
    )

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = "发言人"
        verbose_name_plural = "发言人"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["handle"], condition=~Q(handle=""), name="unique_speaker_handle"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("speaker-detail", args=[self.slug])


class Participation(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("主持人")
        GUEST = "guest", _("嘉宾")
        AUDIENCE = "audience", _("观众")
        OTHER = "other", _("其他")

    event = models.ForeignKey(
        Event, models.CASCADE, related_name="participations", verbose_name="活动"
    )
    speaker = models.ForeignKey(
        Speaker, models.PROTECT, related_name="participations", verbose_name="发言人"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.GUEST)
    bio = models.TextField(
        "当场简介", blank=True, help_text="这场活动上印出的简介，可与发言人的通用简介不同"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0, help_text="在活动嘉宾列表中的先后")

    class Meta:
        verbose_name = "出席"
        verbose_name_plural = "出席"
        ordering = ["event", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "speaker"], name="unique_participation"),
            models.UniqueConstraint(
                fields=["event"], condition=Q(role="host"), name="one_host_per_event"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["host", "guest", "audience", "other"]),
                name="participation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker}（{self.get_role_display()}）· {self.event}"


class Section(models.Model):
    event = models.ForeignKey(Event, models.CASCADE, related_name="sections", verbose_name="活动")
    number = models.PositiveSmallIntegerField("序号", help_text="在本场活动中的顺序，从 1 起")
    title = models.CharField("标题", max_length=200)

    class Meta:
        verbose_name = "部分"
        verbose_name_plural = "部分"
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_section_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="section_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.numeral}、{self.title}"

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number) if self.number < 100 else str(self.number)


class Topic(models.Model):
    event = models.ForeignKey(Event, models.CASCADE, related_name="topics", verbose_name="活动")
    section = models.ForeignKey(
        Section, models.CASCADE, null=True, blank=True, related_name="topics", verbose_name="部分"
    )
    number = models.PositiveSmallIntegerField("序号", help_text="在本场活动中的顺序，从 1 起")
    title = models.CharField("标题", max_length=200)
    label = models.CharField(
        "标记", max_length=10, blank=True, help_text="观众提问写作 Q1、Q2……；普通小标题留空"
    )

    class Meta:
        verbose_name = "话题"
        verbose_name_plural = "话题"
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_topic_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="topic_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}" if self.label else self.title


def quote_title(event_title: str, number: int, speaker_name: str) -> str:
    """A quote as editors name it in the admin: 大模型训练和进化之路 第 12 段 · 王明."""
    return f"{event_title} 第 {number} 段 · {speaker_name}"


class QuoteQuerySet(models.QuerySet):
    def public(self) -> QuoteQuerySet:
        """What readers may see: published quotes of published events."""
        return self.filter(published=True, event__published=True)

    def redirected_from(self, event: Event, number: int) -> QuoteQuerySet:
        """The quote an old, retired quote number of `event` now leads to (at most one)."""
        return self.filter(redirects_here__event=event, redirects_here__number=number)


class Quote(models.Model):
    event = models.ForeignKey(Event, models.CASCADE, related_name="quotes", verbose_name="活动")
    number = models.PositiveIntegerField(
        "编号", help_text="发言的固定网址：重新导入也不变，不会给别的发言用"
    )
    position = models.PositiveIntegerField("顺序", help_text="按阅读顺序排列，从 1 起")
    speaker = models.ForeignKey(
        Speaker, models.PROTECT, related_name="quotes", verbose_name="发言人"
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="部分",
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="话题",
        help_text="只能选同一场活动的话题",
    )
    text = models.TextField("发言")
    translation = models.TextField("另一语言", blank=True, help_text="双语稿中这段发言的另一种语言")
    start_time = models.FloatField(
        "开始时间", null=True, blank=True, help_text="从录音开头算起的秒数"
    )
    end_time = models.FloatField(
        "结束时间", null=True, blank=True, help_text="从录音开头算起的秒数"
    )
    published = models.BooleanField(
        "公开", default=True, help_text="不勾选：网站、接口、订阅和搜索中都不显示"
    )

    tags = CuratedTags(through=TaggedQuote, blank=True, verbose_name="标签")
    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = "发言"
        verbose_name_plural = "发言"
        ordering = ["event", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_quote_number"),
            models.UniqueConstraint(fields=["event", "position"], name="unique_quote_position"),
            models.CheckConstraint(condition=Q(number__gte=1), name="quote_number_positive"),
            models.CheckConstraint(condition=Q(position__gte=1), name="quote_position_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="quote_text_not_empty"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(start_time__gte=0),
                name="quote_start_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gte=0),
                name="quote_end_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="quote_ends_after_it_starts",
            ),
        ]
        indexes = [
            # the few hidden quotes, found without scanning (search subtracts them)
            models.Index(fields=["id"], condition=Q(published=False), name="quote_hidden"),
        ]

    def __str__(self) -> str:
        """How editors name a quote: 《活动》第 12 段 · 发言人."""
        return quote_title(self.event.title, self.number, self.speaker.name)

    def get_absolute_url(self) -> str:
        return reverse("quote-detail", args=[self.event.slug, self.number])


class QuoteRedirect(models.Model):
    """A quote number a re-import retired (the quote was removed, or merged into another), and
    the quote its old link now leads to. A null target keeps the number retired (404)."""

    event = models.ForeignKey(
        Event, models.CASCADE, related_name="quote_redirects", verbose_name="活动"
    )
    number = models.PositiveIntegerField("旧编号", help_text="重新导入时停用的发言编号")
    target = models.ForeignKey(
        Quote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirects_here",
        verbose_name="转到",
        help_text="旧链接现在打开的发言；留空表示旧编号不再指向任何发言",
    )

    class Meta:
        verbose_name = "发言重定向"
        verbose_name_plural = "发言重定向"
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_quote_redirect"),
            models.CheckConstraint(condition=Q(number__gte=1), name="quote_redirect_positive"),
        ]

    def __str__(self) -> str:
        target = f"第 {self.target.number} 段" if self.target_id else "不再指向任何发言"
        return f"{self.event.title} 旧第 {self.number} 段 → {target}"


# Old names and old addresses that lead to today's records live beside these models.
from .aliases import SpeakerAlias, SpeakerRedirect, TagAlias, TagRedirect  # noqa: E402, F401
from .uploads import PendingUpload  # noqa: E402, F401
