"""Which permalink number each quote of an imported event gets, and where retired numbers lead.

A new event takes the numbers its transcript gives. A replaced event keeps, for every quote that
is still there (same speaker and text, or a corrected version of it: see `alignment`), its row and
its number; new quotes get numbers the event never used, and a quote that went away leaves a
`QuoteRedirect` from its number to where its readers go now. Our JSON export says each quote's
number itself (the backup/restore path): there the same number is the same quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Max

from . import alignment
from .models import Event, QuoteRedirect, Speaker
from .parsing import Transcript


class Retired(NamedTuple):
    """A number a replace takes out of use, and the turn its readers are sent to."""

    number: int
    turn: int  # index in `transcript.turns`


@dataclass(frozen=True)
class Plan:
    """For each turn, in reading order: its permalink number and the row it updates (or None);
    and the rows that go (old quote id → `Retired`)."""

    numbers: list[int]
    rows: list[int | None]
    retired: dict[int, Retired]

    @classmethod
    def fresh(cls, transcript: Transcript) -> Plan:
        """A new event: every turn is a new quote with the number the transcript gives it."""
        turns = transcript.turns
        return cls([turn.number for turn in turns], [None] * len(turns), {})

    @property
    def kept(self) -> int:
        """Quotes that keep their number (and row)."""
        return sum(row is not None for row in self.rows)

    @property
    def added(self) -> int:
        """Quotes given a new row."""
        return sum(row is None for row in self.rows)


def replacement_plan(event: Event, transcript: Transcript, speakers: dict[str, Speaker]) -> Plan:
    """Which existing quote of `event` each turn of its new version is (see the module
    docstring); `speakers` is the row of each transcript speaker, by name."""
    old = list(
        event.quotes.order_by("position").values_list(
            "pk", "number", "speaker_id", "text", named=True
        )
    )
    turns = transcript.turns
    if transcript.format == "json":
        aligned = alignment.by_number([o.number for o in old], [turn.number for turn in turns])
        numbers = [turn.number for turn in turns]
    else:
        aligned = alignment.align(
            [(o.speaker_id, o.text) for o in old],
            [(speakers[turn.speaker].pk, turn.text) for turn in turns],
        )
        used = max(
            max((o.number for o in old), default=0),
            event.quote_redirects.aggregate(top=Max("number"))["top"] or 0,
        )
        numbers = []
        for j in range(len(turns)):
            if j in aligned.matched:
                numbers.append(old[aligned.matched[j]].number)
            else:
                used += 1  # never a number the event has used, even one now retired
                numbers.append(used)
    rows = [old[aligned.matched[j]].pk if j in aligned.matched else None for j in range(len(turns))]
    retired = {old[i].pk: Retired(number=old[i].number, turn=j) for i, j in aligned.retired.items()}
    return Plan(numbers, rows, retired)


def write_redirects(event: Event, transcript: Transcript, plan: Plan, ids: list[int]) -> None:
    """Every number the event retired leads somewhere: redirects to quotes that now go are
    re-pointed where those quotes' readers go, and each number retired now gets one; a backup's
    own redirects are restored. `ids` are the quote rows of the turns, in reading order."""
    moved = {old_id: ids[retired.turn] for old_id, retired in plan.retired.items()}
    targets = {
        number: moved.get(target, target)
        for number, target in event.quote_redirects.values_list("number", "target_id")
    }
    targets.update({retired.number: ids[retired.turn] for retired in plan.retired.values()})
    by_number = dict(zip(plan.numbers, ids, strict=True))
    targets.update(
        {r.number: by_number[r.target] if r.target else None for r in transcript.redirects}
    )
    live = set(plan.numbers)
    event.quote_redirects.all().delete()
    QuoteRedirect.objects.bulk_create(
        QuoteRedirect(event=event, number=number, target_id=target)
        for number, target in sorted(targets.items())
        if number not in live
    )
