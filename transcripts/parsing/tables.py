"""Tables that hold a transcript, in any container (a Word table, a Markdown table): two or
three columns, one of short speaker labels beside one of longer speech, maybe one of times.
Such a table gives one block per row (`名：speech`, the label as the block's lead so the label
stage judges it like a bold label); a table of one-line cells gives a block per row; a layout
table gives its paragraphs as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import dates
from .blocks import IMAGE, PARAGRAPH, Block
from .transcript import Dropped

TIME_CELL = re.compile(r"^[\[(（]?(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])）]?$")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_LABEL_MAX = 20
# A header row over a speaker table: these words only, in any of its cells.
_HEADER_WORD = re.compile(
    r"(?:[发發讲講说說]言人|[说說讲講]话人|姓名|人物|角色|嘉[宾賓]|[内內]容|[发發]言(?:[内內]容)?|文字|文本|"
    r"原文|[记記][录錄]|[时時][间間](?:戳|点|點)?|[开開]始[时時][间間]|"
    r"speaker|name|text|content|transcript|time|timestamp|start)",
    re.I,
)


@dataclass(frozen=True)
class Row:
    first: int  # the ordinal of the row's first paragraph
    count: int  # how many paragraphs the row holds
    cells: list[list[Block]]

    def text(self, column: int | None) -> str:
        if column is None or column >= len(self.cells):
            return ""
        return " ".join(b.text.replace("\n", " ") for b in self.cells[column] if b.kind != IMAGE)


def table_blocks(rows: list[Row], dropped: list[Dropped]) -> list[Block]:
    """A table's blocks: speaker rows, one-line rows, or (a layout table) its paragraphs."""
    flat = [block for row in rows for cell in row.cells for block in cell]
    if max((len(row.cells) for row in rows), default=0) <= 1:
        return flat
    header = rows[:1] if _is_header(rows[0]) else []
    shape = _speaker_columns(rows[len(header) :])
    if shape:
        for row in header:
            texts = (row.text(i) for i in range(len(row.cells)))
            dropped.append(Dropped(row.first, " | ".join(filter(None, texts)), "table header row"))
        return [block for row in rows[len(header) :] for block in _speaker_row(row, *shape)]
    if all(sum(b.kind != IMAGE for b in cell) <= 1 for row in rows for cell in row.cells):
        return [block for row in rows for block in _joined_row(row)]
    return flat


def _is_header(row: Row) -> bool:
    texts = [row.text(i).strip("：: ") for i in range(len(row.cells))]
    return any(texts) and all(_HEADER_WORD.fullmatch(text) for text in texts if text)


def _speaker_columns(rows: list[Row]) -> tuple[int, int, int | None] | None:
    """(speaker column, text column, time column or None) when the table reads as a
    transcript: 2 or 3 columns, one of short labels followed by one of longer text, and in
    three, one of times. None for any other table."""
    width = max((len(row.cells) for row in rows), default=0)
    if width not in (2, 3):
        return None
    columns = [[row.text(i) for row in rows] for i in range(width)]
    time = next(
        (i for i, cells in enumerate(columns) if _share(cells, TIME_CELL.match) >= 0.8), None
    )
    rest = [i for i in range(width) if i != time]
    if len(rest) != 2:
        return None
    label, text = rest
    filled = sum(1 for cell in columns[label] if cell)
    if filled < len(rows) / 2 or _share(columns[label], _is_label) < 0.8:
        return None
    if _mean_length(columns[text]) <= _mean_length(columns[label]):
        return None
    return label, text, time


def _speaker_row(row: Row, label: int, text: int, time: int | None) -> list[Block]:
    speaker = row.text(label).strip().rstrip("：:").strip()
    start = _seconds(row.text(time)) if time is not None else None
    blocks = list(row.cells[text]) if text < len(row.cells) else []
    head = blocks[0] if blocks and blocks[0].kind == PARAGRAPH else None
    if not speaker:
        return [replace(head, start=start), *blocks[1:]] if head and start is not None else blocks
    said = head.text if head else ""
    first = Block(
        PARAGRAPH,
        f"{speaker}：{said}",
        row.first,
        lead=f"{speaker}：",
        start=start,
        lines=row.count,
    )
    return [first, *(blocks[1:] if head else blocks)]


def _joined_row(row: Row) -> list[Block]:
    texts = [row.text(i) for i in range(len(row.cells))]
    images = [b for cell in row.cells for b in cell if b.kind == IMAGE]
    joined = " | ".join(text for text in texts if text)
    made = [Block(PARAGRAPH, joined, row.first, lines=row.count)] if joined else []
    return made + images


def _share(cells: list[str], test) -> float:
    filled = [cell for cell in cells if cell]
    return sum(1 for cell in filled if test(cell)) / len(filled) if filled else 0.0


def _is_label(cell: str) -> bool:
    return len(cell) <= _LABEL_MAX and not _SENTENCE_END.search(cell)


def _mean_length(cells: list[str]) -> float:
    filled = [len(cell) for cell in cells if cell]
    return sum(filled) / len(filled) if filled else 0.0


def _seconds(text: str) -> float | None:
    match = TIME_CELL.match(text.strip())
    return dates.seconds(match.group("time")) if match else None
