"""Database constraints hold what must be true whatever writes the rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from transcripts.models import Event, Participation, Quote, Section, Speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return Event.objects.create(title="测试活动", slug="ce-shi")


@pytest.fixture
def speaker():
    return Speaker.objects.create(name="甲", slug="jia")


def _violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_quote_numbers_and_positions_are_unique_and_positive_within_an_event(event, speaker):
    def quote(event, number, position, text="二"):
        return lambda: Quote.objects.create(
            event=event, number=number, position=position, speaker=speaker, text=text
        )

    quote(event, 1, 1, "一")()
    assert _violates(quote(event, 1, 2))
    assert _violates(quote(event, 2, 1))
    assert _violates(quote(event, 0, 2))
    assert _violates(quote(event, 2, 0))
    assert _violates(quote(event, 2, 2, ""))
    assert not _violates(quote(event, 5, 2))  # a permalink number need not be the position
    other = Event.objects.create(title="另一个", slug="ling")
    assert not _violates(quote(other, 1, 1, "一"))


def test_one_host_per_event_and_one_participation_per_person(event, speaker):
    Participation.objects.create(event=event, speaker=speaker, role="host")
    second = Speaker.objects.create(name="乙", slug="yi")
    assert _violates(lambda: Participation.objects.create(event=event, speaker=second, role="host"))
    assert _violates(
        lambda: Participation.objects.create(event=event, speaker=speaker, role="guest")
    )
    assert _violates(lambda: Participation.objects.create(event=event, speaker=second, role="boss"))


def test_section_numbers_and_speaker_handles_are_unique(event):
    Section.objects.create(event=event, number=1, title="开场")
    assert _violates(lambda: Section.objects.create(event=event, number=1, title="重复"))
    Speaker.objects.create(name="丙", slug="bing", handle="bing9")
    assert _violates(lambda: Speaker.objects.create(name="丁", slug="ding", handle="bing9"))
    Speaker.objects.create(name="戊", slug="wu")  # many speakers have no handle
    assert not _violates(lambda: Speaker.objects.create(name="己", slug="ji"))


def test_readable_names(event, speaker):
    section = Section.objects.create(event=event, number=12, title="问答")
    assert str(section) == "十二、问答"
    assert str(event) == "测试活动" and str(speaker) == "甲"


def test_a_quote_starts_at_or_after_zero_and_ends_after_it_starts(event, speaker):
    def quote(number, **times):
        return lambda: Quote.objects.create(
            event=event, number=number, position=number, speaker=speaker, text="一", **times
        )

    assert _violates(quote(1, start_time=-1.0))
    assert _violates(quote(1, end_time=-0.5))
    assert _violates(quote(1, start_time=10.0, end_time=9.5))
    assert not _violates(quote(1, start_time=10.0, end_time=10.0))
    assert not _violates(quote(2, start_time=0.0))  # an end is not required
    assert not _violates(quote(3, end_time=4.0))
    assert not _violates(quote(4))  # most transcripts have no recording


def test_speakers_are_named_people_unless_flagged():
    named = Speaker.objects.create(name="甲", slug="jia")
    Speaker.objects.create(name="说话人1", slug="shuohuaren-1", placeholder=True)
    assert list(Speaker.objects.named()) == [named]
