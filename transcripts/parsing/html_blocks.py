"""A web page's article read into blocks, in document order: inline text gathers into pieces
(bold, link) until a block boundary, <br>, image or rule ends the block (the rules are in
`html`'s docstring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from .blocks import CAPTION, HEADING, IMAGE, PARAGRAPH, QUOTE, RULE, Block
from .inline import INVISIBLE_CHARS, SPACES, lead, links_only
from .tables import Row, table_blocks
from .transcript import Dropped

_BLOCK_TAGS = (  # block-level elements: each starts and ends a block of text
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup html li main menu nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul"
)
_BLOCK = frozenset(_BLOCK_TAGS.split())
_LABELLED = {**{f"h{n}": (HEADING, n) for n in range(1, 7)}, "figcaption": (CAPTION, 0)}
# Sites mark an image's caption by class where they do not use <figcaption>: `img-desc`,
# `pic_txt`, `wp-caption-text`, `image-caption`.
_CAPTION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:(?:img|image|pic|picture|photo)[_-]?(?:desc|descr|caption|txt|text|title|note)"
    r"|caption|caption[_-]text)(?:$|[\s_-])",
    re.I,
)
_WEIGHT = re.compile(r"font-weight\s*:\s*([a-z]+|\d+)", re.I)
_WIDE = (
    r"\u2e80-\u303f\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_WIDE += r"\u2018-\u201f\u2026\u2014"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[^\S\n]*\n\s*(?=[{_WIDE}])")
_KEPT_BREAK = "\u2028"  # a <br> that stays a line break (headings, captions)


def normalize(raw: str) -> str:
    """Whitespace collapsed as a browser does; a line break between two Chinese characters
    disappears (CSS Text's rule for Chinese), so Chinese text gains no spaces."""
    raw = _CJK_BREAK.sub("", INVISIBLE_CHARS.sub("", raw))
    return SPACES.sub(" ", raw).strip()


def _bold(element, inherited: bool) -> bool:
    style = element.get("style")
    if style and "font-weight" in style:
        weight = _WEIGHT.findall(style)[-1].lower() if _WEIGHT.search(style) else ""
        if weight:
            return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    return inherited or element.tag in ("b", "strong")


def _is_caption(element) -> bool:
    """A block whose class says it is an image's caption (a site's <figcaption>)."""
    return element.tag in _BLOCK and bool(_CAPTION_CLASS.search(element.get("class") or ""))


@dataclass
class _Piece:
    text: str
    line: int
    bold: bool = False
    link: bool = False


class BlockWalker:
    """Reads the article's tree in document order (iteratively: pages nest deeper than
    Python's recursion limit) into blocks: inline text gathers into pieces until a block
    boundary, <br>, image or rule ends the block."""

    def __init__(self, root, box=None) -> None:
        self.root = root
        self.box = box  # the element the page marks as its transcript, if any
        self.box_end: int | None = None  # the number of blocks when it closed
        self.blocks: list[Block] = []
        self.pieces: list[_Piece] = []
        self.gap = True
        self.bold = [False]
        self.links = self.quotes = self.items = self.pre = 0
        self.labelled: list[tuple[str, int]] = []  # open headings and captions
        self.line = root.sourceline or 1
        self.tables: list[_Table] = []  # open tables, innermost last
        self.dropped: list[Dropped] = []  # a transcript table's header row

    def walk(self) -> None:
        for event, element in lxml.etree.iterwalk(self.root, events=("start", "end")):
            if isinstance(element.tag, str):
                (self.start if event == "start" else self.end)(element)
        self.flush()

    def start(self, element) -> None:
        tag = element.tag
        self.line = element.sourceline or self.line
        if tag in _BLOCK:
            self.flush()
            self.gap = True
        if tag == "br":
            self.line_break()
        elif tag in ("img", "hr"):
            self.flush()
            alt = normalize(element.get("alt") or element.get("title") or "")
            kind = IMAGE if tag == "img" else RULE
            self.blocks.append(Block(kind, alt if tag == "img" else "", self.line, gap=self.gap))
            self.gap = tag == "hr"
        self.bold.append(_bold(element, self.bold[-1]))
        self.links += tag == "a" and element.get("href") is not None
        self.quotes += tag == "blockquote"
        self.items += tag == "li"
        self.pre += tag == "pre"
        if tag in _LABELLED or _is_caption(element):
            self.labelled.append(_LABELLED.get(tag, (CAPTION, 0)))
        if tag in _TABLE_TAGS:
            self.table_start(tag)
        self.add(element.text, self.line)

    def end(self, element) -> None:
        tag = element.tag
        if tag in _BLOCK:
            self.flush()
            self.gap = True
        self.bold.pop()
        self.links -= tag == "a" and element.get("href") is not None
        self.quotes -= tag == "blockquote"
        self.items -= tag == "li"
        self.pre -= tag == "pre"
        if tag in _LABELLED or _is_caption(element):
            self.labelled.pop()
        if tag in _TABLE_TAGS:
            self.table_end(tag)
        if element is self.box:
            self.flush()
            self.box_end = len(self.blocks)
        if element is not self.root:
            self.add(element.tail, self.line)

    def table_start(self, tag: str) -> None:
        if tag == "table":
            if self.tables:
                self.tables[-1].nested = True  # a layout table around another: left as it is
            self.tables.append(_Table(len(self.blocks)))
        elif self.tables and tag == "tr":
            self.tables[-1].cells.append([])
        elif self.tables and self.tables[-1].cells:
            self.tables[-1].cells[-1].append([len(self.blocks), len(self.blocks)])

    def table_end(self, tag: str) -> None:
        """A table's rows go through the one reading of tables every container shares
        (`tables.table_blocks`): speaker | speech rows become `名：speech` blocks."""
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in ("td", "th") and table.cells and table.cells[-1]:
            table.cells[-1][-1][1] = len(self.blocks)
        elif tag == "table":
            self.tables.pop()
            if table.nested or not table.cells:
                return
            rows = [_row(self.blocks, row) for row in table.cells if row]
            self.blocks[table.start :] = table_blocks([r for r in rows if r], self.dropped)

    def add(self, text: str | None, line: int) -> None:
        if not text:
            return
        if self.pre and "\n" in text:  # preformatted: every line is a line
            first, *rest = text.split("\n")
            self.add_piece(first, line)
            for offset, part in enumerate(rest, 1):
                self.line_break()
                self.add_piece(part, line + offset)
            return
        self.add_piece(text, line)

    def add_piece(self, text: str, line: int) -> None:
        line += text[: len(text) - len(text.lstrip())].count("\n")
        self.pieces.append(_Piece(text, line, self.bold[-1], self.links > 0))

    def line_break(self) -> None:
        if self.labelled:
            self.pieces.append(_Piece(_KEPT_BREAK, self.line))
        elif any(piece.text.strip() for piece in self.pieces):
            self.flush()
            self.gap = False
        else:
            self.gap = True  # a <br> after a <br>: a blank line

    def flush(self) -> None:
        pieces, self.pieces = self.pieces, []
        raw = "".join(piece.text for piece in pieces)
        text = "\n".join(filter(None, (normalize(part) for part in raw.split(_KEPT_BREAK))))
        if not text:
            return
        kind, level = (
            self.labelled[-1] if self.labelled else (QUOTE if self.quotes else PARAGRAPH, 0)
        )
        opening = lead(pieces, text, clean=normalize, stop=_KEPT_BREAK)
        if kind == PARAGRAPH and not opening and _under_image(self.blocks, text):
            kind = CAPTION  # (a bold name under a portrait may be a label standing alone)
        spoken = [piece for piece in pieces if piece.text.strip()]
        self.blocks.append(
            Block(
                kind,
                text,
                spoken[0].line,
                level=level,
                gap=self.gap,
                lead=opening,
                list_item=self.items > 0,
                link_only=links_only(pieces),
                lines=max(1, spoken[-1].line - spoken[0].line + 1),
            )
        )
        self.gap = False


_TABLE_TAGS = {"table", "tr", "td", "th"}
_CAPTION_MAX = 30
_NOT_CAPTION = re.compile(r"[。！？!?：:…]|[.;；]\s*$")


def _under_image(blocks: list[Block], text: str) -> bool:
    """A short line right under an image, with no sentence end and no label (`论坛现场`,
    `Panel, from left`): how pages without <figcaption> caption their photos."""
    if not blocks or blocks[-1].kind != IMAGE or len(text) > _CAPTION_MAX or "\n" in text:
        return False
    return not _NOT_CAPTION.search(text)


@dataclass
class _Table:
    start: int  # the index of its first block
    cells: list[list[list[int]]] = field(default_factory=list)  # rows of [start, end) spans
    nested: bool = False


def _row(blocks: list[Block], spans: list[list[int]]) -> Row | None:
    cells = [blocks[start:end] for start, end in spans]
    lines = [block.line for cell in cells for block in cell]
    if not lines:
        return None
    return Row(min(lines), max(lines) - min(lines) + 1, cells)
