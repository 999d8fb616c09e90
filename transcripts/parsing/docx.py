"""Word documents (.docx): the body's paragraphs, in order, as blocks.

Word has no lines, so a block's `line` is the paragraph's 1-based ordinal in the body (every
`w:p`, also the empty ones and those inside table cells, counts once, in document order).

What Word's markup means here, and why:
- Heading 1..6 styles (also localized names such as 标题 1, custom styles based on them, and
  outline levels set on the paragraph) are HEADINGs of that level; levels 7..9 count as 6.
- The Title style (标题) names the event: its first paragraph becomes `Document.title` *and* a
  level-1 HEADING, so the assembler sees it in reading order and accounts for it like any
  first heading. The document's core properties fill the title only when no paragraph has
  the Title style (never the created date: Word sets it when the file is made, not the event).
- Bold runs opening a paragraph are its `lead` (bold from the run, its character style or the
  paragraph style). `text` holds all runs, hyperlinks and tracked insertions included.
- A soft line break (Shift+Enter) splits a paragraph into blocks with `gap=False`: people type
  one speaker per line that way, and each line may open with its own bold label. In headings
  and captions it stays "\\n", as the `Block` contract says.
- Images are IMAGE blocks (alt text or ""); a text box's text goes to `dropped`, the
  Caption style is a CAPTION, Quote styles a QUOTE, list paragraphs are `list_item`s, and a
  table of contents is dropped (it repeats the headings).
- Tables: a table of speaker | text rows (optionally with a time column) gives one paragraph
  per row, `speaker：text` with the speaker as its lead, so the label stage judges it like a
  bold label; its header row is dropped. Other tables of one-line cells give one paragraph per
  row (cells joined with " | "); tables with longer cells (page layout) give their cells'
  paragraphs in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

from .blocks import CAPTION, HEADING, IMAGE, PARAGRAPH, QUOTE, Block, Document
from .docx_package import check_archive, core_title, looks_like_bytes, open_document
from .docx_styles import W_VAL, Styles, heading_level, style_value
from .inline import INVISIBLE_CHARS, SPACES, lead, links_only
from .tables import Row, table_blocks
from .transcript import Dropped, ParseError

__all__ = ["FORMAT", "looks_like_bytes", "read_bytes"]

FORMAT = "docx"

# Elements inside a paragraph whose runs are shown text (w:del and w:moveFrom are not).
_RUN_CONTAINERS = {
    qn(f"w:{tag}")
    for tag in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple")
} | {qn("w:moveTo"), qn("w:dir"), qn("w:bdo")}
_BLOCK_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DRAWINGS = {qn("w:drawing"), qn("w:pict"), qn("w:object"), f"{_MC}AlternateContent"}
_VML_ALT = ("{urn:schemas-microsoft-com:vml}shape", "{urn:schemas-microsoft-com:vml}imagedata")
_W_P, _W_TBL, _W_TR, _W_TC, _W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_W_PPR, _W_RPR, _W_B = qn("w:pPr"), qn("w:rPr"), qn("w:b")
_W_HYPERLINK, _W_ALT_CHUNK = qn("w:hyperlink"), qn("w:altChunk")
_TEXT_CHARS = {qn("w:t"): None, qn("w:tab"): " ", qn("w:ptab"): " ", qn("w:noBreakHyphen"): "-"}
_BREAKS = {qn("w:br"), qn("w:cr")}


def read_bytes(data: bytes) -> Document:
    """The body of a .docx as blocks, or a `ParseError` that says why it cannot be read."""
    check_archive(data)
    document, body, styles = open_document(data)
    reader = _BodyReader(Styles(styles))
    blocks = reader.container(body)
    if not any(block.text for block in blocks) and not reader.dropped:
        raise ParseError("the Word document holds no text")
    title = reader.title or core_title(document)
    return Document(tuple(blocks), FORMAT, title=title, dropped=tuple(reader.dropped))


@dataclass
class _Piece:
    kind: str  # "text", "break" or "image"
    text: str = ""
    bold: bool = False
    link: bool = False


class _BodyReader:
    """Walks the body in document order, numbering paragraphs as it goes."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.ordinal = 0
        self.title = ""
        self.dropped: list[Dropped] = []

    def container(self, element) -> list[Block]:
        """Blocks of a body, table cell or content control, in order."""
        blocks: list[Block] = []
        for child in element:
            if child.tag == _W_P:
                blocks.extend(self.paragraph(child))
            elif child.tag == _W_TBL:
                blocks.extend(self.table(child))
            elif child.tag == _W_ALT_CHUNK:  # another document inside, which Word converts
                reason = "an embedded document (altChunk): open and save the file in Word first"
                self.dropped.append(Dropped(max(self.ordinal, 1), "", reason))
            elif child.tag in _BLOCK_CONTAINERS:
                if _is_table_of_contents(child):
                    self.drop_all(child, "table of contents")
                else:
                    blocks.extend(self.container(child))
        return blocks

    def drop_all(self, element, reason: str) -> None:
        """Drop a content control's paragraphs (each counts as a body paragraph)."""
        for paragraph in element.iter(_W_P):
            self.ordinal += 1
            self.drop(paragraph, reason)

    def drop(self, element, reason: str) -> None:
        text = " ".join(filter(None, (_clean(_run_text(p)) for p in element.iter(_W_P))))
        if text:
            self.dropped.append(Dropped(self.ordinal, text, reason))

    def paragraph(self, p) -> list[Block]:
        self.ordinal += 1
        ppr = p.find(_W_PPR)
        style_id = _attribute(ppr, "w:pStyle")
        style = self.styles.of(style_id)
        if style.toc:
            self.drop(p, "table of contents")
            return []
        outline = _attribute(ppr, "w:outlineLvl")
        level = heading_level("", int(outline)) if outline and outline.isdigit() else style.heading
        if style.title:
            level = 1
        kind = (
            HEADING if level else CAPTION if style.caption else QUOTE if style.quote else PARAGRAPH
        )
        numbering = _attribute(ppr, "w:numPr/w:numId")
        list_item = not level and (style.list_item or numbering not in (None, "0"))
        pieces: list[_Piece] = []
        self.runs(p, bool(style.bold), False, pieces)
        blocks = _split(pieces, kind=kind, line=self.ordinal, level=level, list_item=list_item)
        if style.title and not self.title and blocks:
            self.title = blocks[0].text.replace("\n", " ")
        return blocks

    def runs(self, element, style_bold: bool, link: bool, out: list[_Piece]) -> None:
        for child in element:
            if child.tag == _W_R:
                self.run(child, style_bold, link, out)
            elif child.tag in _RUN_CONTAINERS:
                self.runs(child, style_bold, link or child.tag == _W_HYPERLINK, out)

    def run(self, r, style_bold: bool, link: bool, out: list[_Piece]) -> None:
        bold = self.bold(r, style_bold)
        for child in r:
            if child.tag in _TEXT_CHARS:
                text = _TEXT_CHARS[child.tag]
                out.append(_Piece("text", child.text or "" if text is None else text, bold, link))
            elif child.tag in _BREAKS:
                out.append(_Piece("break"))
            elif child.tag in _DRAWINGS:
                self.drawing(child, out)

    def bold(self, r, style_bold: bool) -> bool:
        """Direct formatting wins over the run's character style, which wins over the
        paragraph style: Word's order, without the toggle subtleties nobody types."""
        rpr = r.find(_W_RPR)
        if rpr is not None:
            direct = rpr.find(_W_B)
            if direct is not None:
                return style_value("b", direct)
            character = self.styles.character_bold.get(_attribute(rpr, "w:rStyle") or "")
            if character is not None:
                return character
        return style_bold

    def drawing(self, element, out: list[_Piece]) -> None:
        """An image, or a text box whose text is reported as dropped (it sits beside the
        text flow; reading it into the paragraph would put it in some speaker's mouth)."""
        choice = element.find(f"{_MC}Choice")
        element = choice if choice is not None else element
        boxes = list(element.iter(qn("w:txbxContent")))
        if boxes:
            for box in boxes:
                self.drop(box, "text box in a drawing")
            return
        alt = ""
        for doc_pr in element.iter(qn("wp:docPr"), *_VML_ALT):
            alt = (doc_pr.get("descr") or doc_pr.get("title") or doc_pr.get("alt") or "").strip()
            if alt:
                break
        out.append(_Piece("image", _clean(alt)))

    def table(self, tbl) -> list[Block]:
        rows: list[Row] = []
        for tr in _children(tbl, _W_TR):
            first = self.ordinal + 1
            cells = [self.container(tc) for tc in _children(tr, _W_TC)]
            rows.append(Row(first, self.ordinal - first + 1, cells))
        return table_blocks(rows, self.dropped)


def _children(element, tag: str):
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _children(child, tag)


def _is_table_of_contents(element) -> bool:
    gallery = element.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(W_VAL) or "").lower()


def _attribute(ppr, path: str) -> str | None:
    if ppr is None:
        return None
    found = ppr.find("/".join(qn(step) for step in path.split("/")))
    return found.get(W_VAL) if found is not None else None


def _clean(text: str) -> str:
    return SPACES.sub(" ", INVISIBLE_CHARS.sub("", text)).strip()


def _run_text(paragraph) -> str:
    """A paragraph's text without its markup (tabs as spaces; tab stops in pPr are not text)."""
    pieces = paragraph.iter(qn("w:t"), qn("w:tab"))
    return "".join(_TEXT_CHARS[e.tag] or e.text or "" for e in pieces if e.getparent().tag == _W_R)


def _split(
    pieces: list[_Piece], *, kind: str, line: int, level: int, list_item: bool
) -> list[Block]:
    """A paragraph's pieces as blocks: each image on its own, and (outside headings and
    captions, where a break stays "\\n") one block per soft-broken line; every block after
    the paragraph's first has gap=False."""
    keep_breaks = kind in (HEADING, CAPTION)
    segments: list[list[_Piece] | _Piece] = [[]]
    for piece in pieces:
        if piece.kind == "image":
            segments += [piece, []]
        elif piece.kind == "break" and not keep_breaks:
            segments.append([])
        else:
            segments[-1].append(_Piece("text", "\n") if piece.kind == "break" else piece)  # type: ignore[union-attr]
    blocks: list[Block] = []
    for segment in segments:
        if isinstance(segment, _Piece):
            blocks.append(Block(IMAGE, segment.text, line, gap=not blocks))
            continue
        raw = "".join(piece.text for piece in segment)
        text = "\n".join(filter(None, (_clean(part) for part in raw.split("\n"))))
        if text:
            blocks.append(
                Block(
                    kind,
                    text,
                    line,
                    level=level,
                    gap=not blocks,
                    lead=lead(segment, text, clean=_clean),
                    list_item=list_item,
                    link_only=links_only(segment),
                )
            )
    return blocks
