"""Uploads waiting for their editor's confirmation (the admin's import preview)."""

from __future__ import annotations

from django.db import models


class PendingUpload(models.Model):
    """A transcript uploaded in the admin, waiting for its editor to confirm the import.

    In the database, not in a cache: the confirm step may reach another worker, or come after
    the cache was cleared. One use only (the confirm deletes it); gone after `expires_at`
    (transcripts/admin/importing.py removes the expired ones whenever someone uploads).
    """

    token = models.CharField("凭据", max_length=64, unique=True)
    user = models.ForeignKey("auth.User", models.CASCADE, related_name="+", verbose_name="上传者")
    name = models.CharField("文件名", max_length=255)
    data = models.BinaryField("文件内容")
    format = models.CharField("格式", max_length=20)
    replace = models.BooleanField("替换现有活动", default=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间", db_index=True)

    class Meta:
        verbose_name = "待确认的上传"
        verbose_name_plural = "待确认的上传"

    def __str__(self) -> str:
        return self.name
