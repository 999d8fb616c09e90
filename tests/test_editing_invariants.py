"""The workbench's edits and history's restore, in any order (issue 14): a Hypothesis state
machine edits, splits, merges and reassigns quotes, moves headings and tags, and restores earlier
revisions of a small event, through the real services. After every step: positions run 1..N, no
number belongs to two quotes (ever), every number the event ever showed still answers (200, or a
redirect to the quote holding its text), headings are whole runs of quotes of their event, the
public page shows the event as it is, and restoring a revision gives back exactly what it held."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from transcripts import heading_edits, history, quote_edits, speaker_edits
from transcripts.history_restore import RestoreError
from transcripts.models import Event, Quote, Speaker, TaggedQuote

from .factories import make_event

pytestmark = pytest.mark.django_db

SLUG = "inv"
TAGS = ("压力测试", "算力", "对齐", "开源")
WORDS = st.text(alphabet="模型数据对齐算力我们认为 abcXYZ，。", min_size=0, max_size=12)
EXPECTED = (quote_edits.EditError, RestoreError)


def dump(event: Event) -> tuple:
    """What a reader sees of the event, and what a restore must give back exactly."""
    sections = {s.pk: (s.number, s.title) for s in event.sections.all()}
    topics = {
        t.pk: (t.number, t.title, sections.get(t.section_id, (None,))[0])
        for t in event.topics.all()
    }
    tags = defaultdict(set)
    rows = TaggedQuote.objects.filter(content_object__event=event)
    for pk, name in rows.values_list("content_object_id", "tag__name"):
        tags[pk].add(name)
    quotes = tuple(
        (
            *(q.position, q.number, q.text, q.speaker_id, sections.get(q.section_id)),
            *(topics.get(q.topic_id), tuple(sorted(tags[q.pk])), q.start_time, q.end_time),
        )
        for q in event.quotes.order_by("position")
    )
    people = tuple(sorted(event.participations.values_list("speaker_id", "role")))
    return tuple(sorted(sections.values())), tuple(sorted(topics.values())), quotes, people


def runs_whole(positions: dict[int, list[int]]) -> None:
    """Each heading covers one run of quotes, at least one."""
    for heading, at in positions.items():
        assert at and at == list(range(at[0], at[0] + len(at))), (heading, at)


class Editing(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()  # each example's writes are rolled back at its end
        self.atomic.__enter__()
        cache.clear()
        self.client = Client()
        self.made = 0  # for unique texts, names and titles

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        cache.clear()

    def fresh(self, what: str) -> str:
        self.made += 1
        return f"{what}{self.made}"

    @initialize(quotes=st.integers(6, 10))
    def make(self, quotes):
        self.user = User.objects.create_user(self.fresh("editor"), is_staff=True)
        self.event = make_event(quotes=quotes, slug=SLUG, parts=2, topics_per_part=2, speakers=3)
        self.dumps = {history.versions_of(self.event).first().pk: dump(self.event)}
        with history.revision(self.event, user=self.user, comment="每段文字各不相同"):
            for q in self.event.quotes.all():  # the factory repeats its sentences
                Quote.objects.filter(pk=q.pk).update(text=f"〔{q.number}〕{q.text[:20]}")
        self.newest = history.versions_of(self.event).first().pk
        self.dumps[self.newest] = dump(self.event)
        self.last_text: dict[int, str] = {}  # every number ever shown → the text it last held
        self.quote_of: dict[int, int] = {}  # every number ever shown → its quote's id
        self.goes_to: dict[int, int] = {}  # retired number → the number it redirects to
        self.check("start", None)

    # Drawing from what is there now ----------------------------------------------------------

    def quote(self, data) -> Quote:
        return data.draw(st.sampled_from(list(self.event.quotes.order_by("position"))))

    def heading(self, data):
        headings = [*self.event.sections.order_by("number"), *self.event.topics.order_by("number")]
        return data.draw(st.sampled_from(headings)) if headings else None

    # Rules -------------------------------------------------------------------------------------

    @rule(data=st.data())
    def edit_text(self, data):
        q = self.quote(data)
        text = data.draw(st.sampled_from([" ", q.text, None, None, None]))
        text = self.fresh(data.draw(WORDS)) if text is None else text
        self.step("edit", lambda: quote_edits.edit_text(quote=q, text=text, user=self.user))

    @rule(data=st.data())
    def split(self, data):
        q = self.quote(data)
        at = data.draw(st.integers(-1, len(q.text) + 1))
        self.step("split", lambda: quote_edits.split_quote(quote=q, at=at, user=self.user))

    @rule(data=st.data())
    def merge(self, data):
        q = self.quote(data)
        self.step("merge", lambda: quote_edits.merge_into_previous(quote=q, user=self.user), q)

    @rule(data=st.data(), new=st.booleans())
    def reassign(self, data, new):
        quotes = data.draw(st.lists(st.sampled_from(list(self.event.quotes.all())), min_size=1))
        people = Speaker.objects.filter(quotes__event=self.event).distinct().order_by("pk")
        speaker = data.draw(st.sampled_from(list(people))) if not new else None

        def change():
            to = speaker or speaker_edits.new_person(self.fresh("新人"))
            return quote_edits.reassign(quotes=quotes, speaker=to, user=self.user)

        self.step("reassign", change)

    @rule(data=st.data(), kind=st.sampled_from(["section", "topic"]), named=st.booleans())
    def insert_heading(self, data, kind, named):
        q, title = self.quote(data), self.fresh("标题") if named else " "
        self.step(
            "heading",
            lambda: heading_edits.insert_heading(before=q, kind=kind, title=title, user=self.user),
        )

    @rule(data=st.data())
    def move_heading(self, data):
        heading, q = self.heading(data), self.quote(data)
        if heading is not None:
            change = lambda: heading_edits.move_heading(heading=heading, before=q, user=self.user)  # noqa: E731
            self.step("heading", change)

    @rule(data=st.data())
    def remove_heading(self, data):
        heading = self.heading(data)
        if heading is not None:
            change = lambda: heading_edits.remove_heading(heading=heading, user=self.user)  # noqa: E731
            self.step("heading", change)

    @rule(data=st.data(), name=st.sampled_from(TAGS))
    def add_tag(self, data, name):
        quotes = data.draw(st.lists(st.sampled_from(list(self.event.quotes.all())), min_size=1))
        self.step("tag", lambda: quote_edits.add_tags(quotes=quotes, names=[name], user=self.user))

    @rule(data=st.data())
    def remove_tag(self, data):
        q = self.quote(data)
        tags = list(q.tags.all())
        if tags:
            tag = data.draw(st.sampled_from(tags))
            self.step("tag", lambda: quote_edits.remove_tag(quote=q, tag=tag, user=self.user))

    @rule(data=st.data())
    def restore(self, data):
        version = data.draw(st.sampled_from(sorted(self.dumps)))
        restoring = lambda: history.restore(event=self.event, version_id=version, user=self.user)  # noqa: E731
        self.step("restore", restoring)
        assert dump(self.event) == self.dumps[version]

    # Checks ------------------------------------------------------------------------------------

    def step(self, kind: str, change, subject: Quote | None = None) -> None:
        before = dump(self.event)
        try:
            change()
        except EXPECTED:
            assert history.versions_of(self.event).first().pk == self.newest
            assert dump(self.event) == before, "a refused change changed something"
            return
        newest = history.versions_of(self.event).first().pk
        if newest == self.newest:
            assert dump(self.event) == before, "a change without a revision"
        else:
            self.newest, self.dumps[newest] = newest, dump(self.event)
        self.check(kind, subject)

    def check(self, kind: str, subject: Quote | None) -> None:
        live = {q.number: q for q in self.event.quotes.order_by("position")}
        self.check_numbers(live)
        self.check_headings()
        self.check_links(kind, subject, live)
        page = self.client.get(f"/events/{SLUG}/")
        assert page.status_code == 200
        html = page.content.decode()
        for number, q in live.items():
            assert f"/q/{number}/" in html and q.text.split("(")[0] in html, number
            self.last_text[number] = q.text

    def check_numbers(self, live: dict[int, Quote]) -> None:
        positions = [q.position for q in live.values()]
        assert positions == list(range(1, len(live) + 1))
        assert len(live) == self.event.quotes.count()  # numbers unique
        retired = set(self.event.quote_redirects.values_list("number", flat=True))
        assert not retired & set(live), "a number both live and retired"
        for number, q in live.items():  # a number never goes to another quote, whatever happens
            assert self.quote_of.setdefault(number, q.pk) == q.pk, number

    def check_headings(self) -> None:
        event = self.event
        sections, topics = defaultdict(list), defaultdict(list)
        for q in event.quotes.select_related("section", "topic").order_by("position"):
            assert q.section is None or q.section.event_id == event.pk
            if q.topic is not None:
                assert q.topic.event_id == event.pk and q.topic.section_id == q.section_id
                topics[q.topic_id].append(q.position)
            if q.section is not None:
                sections[q.section_id].append(q.position)
        assert set(sections) == set(event.sections.values_list("pk", flat=True)), "empty part"
        assert set(topics) == set(event.topics.values_list("pk", flat=True)), "empty topic"
        runs_whole(sections)
        runs_whole(topics)
        for headings, positions in ((event.sections, sections), (event.topics, topics)):
            order = [h.pk for h in headings.order_by("number")]
            assert order == sorted(positions, key=lambda pk: positions[pk][0])
            assert list(headings.order_by("number").values_list("number", flat=True)) == list(
                range(1, len(order) + 1)
            )

    def check_links(self, kind: str, subject: Quote | None, live: dict[int, Quote]) -> None:
        """Every number ever shown answers: live, or a redirect to the quote holding its text."""
        answers = {}
        for number in sorted({*self.last_text, *live}):
            page = self.client.get(f"/events/{SLUG}/q/{number}/")
            if number in live:
                assert page.status_code == 200, number
                continue
            assert page.status_code == 301, (number, page.status_code)
            target = int(page["Location"].rstrip("/").rsplit("/", 1)[1])
            assert target in live, (number, target)
            answers[number] = target
        for number, target in answers.items():
            text = self.last_text[number]
            if number not in self.goes_to:  # retired by this step
                assert kind in ("merge", "restore"), f"{kind} retired {number}"
                holds = text in live[target].text
                if kind == "merge":
                    assert subject.number == number and holds, (number, target)
                elif any(text in q.text for q in live.values()):
                    assert holds, (number, text, target, live[target].text)
                continue
            before = self.goes_to[number]  # retired earlier: still where its text went
            expected = before if before in live else answers.get(before)
            assert target == expected, (kind, number, before, target)
        self.goes_to = answers


def test_any_sequence_of_edits_and_restores_keeps_every_link_and_every_revision():
    run_state_machine_as_test(
        Editing,
        settings=settings(
            max_examples=int(os.environ.get("INVARIANT_EXAMPLES", 30)),
            stateful_step_count=int(os.environ.get("INVARIANT_STEPS", 15)),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
