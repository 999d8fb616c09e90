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

import io
import re
import zipfile
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE
from docx.oxml.ns import qn
from docx.package import Package

from .blocks import CAPTION, HEADING, IMAGE, PARAGRAPH, QUOTE, Block, Document
from .tables import Row, table_blocks
from .transcript import Dropped, ParseError

FORMAT = "docx"

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office container; also encrypted .docx
_MAX_XML = 50 * 2**20  # one unpacked XML part (document.xml holds the whole text)
_MAX_TOTAL = 300 * 2**20  # everything unpacked, images included: python-docx reads every part
_MAX_ENTRIES = 10_000
_DOCUMENT_TYPES = (CONTENT_TYPE.WML_DOCUMENT_MAIN,)

_HEADING_NAME = re.compile(r"^(?:heading|标题|標題)\s*([1-9])$")
_TITLE_NAMES = {"title", "标题", "標題"}
_CAPTION_NAMES = {"caption", "题注", "題注"}
_QUOTE_NAMES = {"quote", "intense quote", "引用", "明显引用", "明顯引用"}
_TOC_NAME = re.compile(r"^(?:toc|目录|目錄)\s*(?:\d|heading$|标题$|標題$)")
_LIST_NAME = re.compile(r"list|列表|列出段落|项目符号|項目符號|编号|編號")
_JUNK_CORE_TITLE = re.compile(
    r"^(?:microsoft word\b|文档\s*\d*$|document\s*\d*$|untitled)|\.docx?$", re.I
)
_OFF = {"0", "false", "off", "none"}

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
_W_VAL, _W_PPR, _W_RPR, _W_B = qn("w:val"), qn("w:pPr"), qn("w:rPr"), qn("w:b")
_W_HYPERLINK, _W_ALT_CHUNK = qn("w:hyperlink"), qn("w:altChunk")
_TEXT_CHARS = {qn("w:t"): None, qn("w:tab"): " ", qn("w:ptab"): " ", qn("w:noBreakHyphen"): "-"}
_BREAKS = {qn("w:br"), qn("w:cr")}
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w")
# Tables


def looks_like_bytes(data: bytes) -> bool:
    """A zip that holds a Word document, by its central directory (cheap: no part is read).
    Also True for a truncated zip that names word/ parts near its start, and for the old
    binary Office container (encrypted .docx, .doc), so that `read_bytes` can say what it is
    rather than the text decoder calling it binary."""
    if data.startswith(_OLE):
        return True
    if not data.startswith(_ZIP):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return b"word/" in data[:65536]
    return any(name.startswith("word/") for name in names)


def read_bytes(data: bytes) -> Document:
    """The body of a .docx as blocks, or a `ParseError` that says why it cannot be read."""
    _check_archive(data)
    document, body, styles = _open(data)
    reader = _BodyReader(_Styles(styles))
    blocks = reader.container(body)
    if not any(block.text for block in blocks) and not reader.dropped:
        raise ParseError("the Word document holds no text")
    title = reader.title or _core_title(document)
    return Document(tuple(blocks), FORMAT, title=title, dropped=tuple(reader.dropped))


def _check_archive(data: bytes) -> None:
    """Refuse what python-docx must not be handed: not a zip, encrypted, or too big unpacked
    (sizes from the central directory; zipfile never inflates a member past its stated size)."""
    if data.startswith(_OLE):
        raise ParseError(
            "an encrypted (password-protected) Word document or an old binary .doc file: "
            "save it as .docx without a password"
        )
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ParseError("not a readable .docx: the zip archive is truncated or corrupt") from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise ParseError("a zip archive but not a Word document (no word/ parts in it)")
    if len(infos) > _MAX_ENTRIES:
        raise ParseError(f"the .docx holds {len(infos)} parts: refused (more than {_MAX_ENTRIES})")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ParseError("the Word document is encrypted: save it without a password")
        if info.filename.endswith((".xml", ".rels")) and info.file_size > _MAX_XML:
            raise ParseError(
                f"{info.filename} unpacks to {info.file_size // 2**20} MB, more than "
                f"{_MAX_XML // 2**20} MB: refused (a damaged file or a zip bomb)"
            )
    total = sum(info.file_size for info in infos)
    if total > _MAX_TOTAL:
        raise ParseError(
            f"the .docx unpacks to {total // 2**20} MB, more than {_MAX_TOTAL // 2**20} MB: refused"
        )


def _open(data: bytes):
    """python-docx's document, its body and its styles. python-docx's failure modes on a
    damaged package are many and not part of its API (KeyError, XMLSyntaxError, BadZipFile,
    AttributeError...), so any failure while opening is reported as an unreadable file."""
    try:
        part = Package.open(io.BytesIO(data)).main_document_part
        if part.content_type not in _DOCUMENT_TYPES:
            raise ParseError(
                f"not a plain Word document (its main part is {part.content_type}): "
                "save it as .docx"
            )
        document = part.document
        body, styles = document.element.body, document.styles.element
    except ParseError:
        raise
    except Exception as exc:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise ParseError(
            f"cannot read the Word document ({type(exc).__name__}{': ' + detail if detail else ''})"
        ) from None
    if body is None:
        raise ParseError("the Word document has no body")
    return document, body, styles


def _core_title(document) -> str:
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:  # a damaged docProps/core.xml costs the title, not the import
        return ""
    return "" if _JUNK_CORE_TITLE.search(title) else title


@dataclass(frozen=True)
class _Style:
    """What a paragraph style means for us, with its basedOn chain resolved."""

    heading: int = 0
    title: bool = False
    caption: bool = False
    quote: bool = False
    toc: bool = False
    list_item: bool = False
    bold: bool | None = None


class _Styles:
    """Style ids resolved once (python-docx looks a style up by id on every access)."""

    def __init__(self, styles_element) -> None:
        self._raw = {
            el.get(qn("w:styleId")): el for el in styles_element.iterchildren(qn("w:style"))
        }
        self.paragraph: dict[str | None, _Style] = {}
        self.character_bold: dict[str, bool | None] = {}
        default = _Style()
        for style_id, element in self._raw.items():
            kind = element.get(qn("w:type"))
            if kind == "character":
                self.character_bold[style_id] = self._inherited(style_id, "w:rPr/w:b")
            if kind != "paragraph":  # table and numbering styles say nothing of paragraphs
                continue
            self.paragraph[style_id] = style = self._resolve(style_id, element)
            if element.get(qn("w:default")) in ("1", "true", "on"):
                default = style
        self.paragraph[None] = default

    def of(self, style_id: str | None) -> _Style:
        return self.paragraph.get(style_id) or self.paragraph[None]

    def _resolve(self, style_id: str, element) -> _Style:
        name_element = element.find(qn("w:name"))
        name = (name_element.get(_W_VAL, "") if name_element is not None else "").strip().lower()
        outline = self._inherited(style_id, "w:pPr/w:outlineLvl")
        numbered = self._inherited(style_id, "w:pPr/w:numPr/w:numId")
        heading = _level(name, outline)
        return _Style(
            heading=heading,
            title=name in _TITLE_NAMES,
            caption=name in _CAPTION_NAMES,
            quote=name in _QUOTE_NAMES,
            toc=bool(_TOC_NAME.match(name)),
            list_item=not heading and (bool(_LIST_NAME.search(name)) or bool(numbered)),
            bold=self._inherited(style_id, "w:rPr/w:b"),
        )

    def _inherited(self, style_id: str, path: str):
        """The value at `path` in the style or the nearest style it is based on: an int for
        outline levels, a bool for bold, numbering on/off for numId; None when nowhere."""
        seen: set[str] = set()
        while style_id in self._raw and style_id not in seen:
            seen.add(style_id)
            element = self._raw[style_id]
            found = element.find("/".join(qn(step) for step in path.split("/")))
            if found is not None:
                return _value(path, found)
            based_on = element.find(qn("w:basedOn"))
            style_id = based_on.get(_W_VAL) if based_on is not None else None
        return None


def _value(path: str, element):
    raw = element.get(_W_VAL)
    if path.endswith("outlineLvl"):
        return int(raw) if raw and raw.isdigit() else None
    if path.endswith("numId"):
        return raw not in (None, "0")
    return raw is None or raw.lower() not in _OFF


def _level(name: str, outline: int | None) -> int:
    """Heading level 1..6 from a style name or an outline level (0 = level 1; 9 = body)."""
    match = _HEADING_NAME.match(name)
    if match:
        return min(int(match.group(1)), 6)
    if outline is not None and outline < 9:
        return min(outline + 1, 6)
    return 0


@dataclass
class _Piece:
    kind: str  # "text", "break" or "image"
    text: str = ""
    bold: bool = False
    link: bool = False


class _BodyReader:
    """Walks the body in document order, numbering paragraphs as it goes."""

    def __init__(self, styles: _Styles) -> None:
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
        level = _level("", int(outline)) if outline and outline.isdigit() else style.heading
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
                return _value("b", direct)
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
    return gallery is not None and "contents" in (gallery.get(_W_VAL) or "").lower()


def _attribute(ppr, path: str) -> str | None:
    if ppr is None:
        return None
    found = ppr.find("/".join(qn(step) for step in path.split("/")))
    return found.get(_W_VAL) if found is not None else None


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


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
            worded = [piece for piece in segment if _WORD.search(piece.text)]
            link_only = bool(worded) and all(piece.link for piece in worded)  # 上一篇 · 下一篇
            blocks.append(
                Block(
                    kind,
                    text,
                    line,
                    level=level,
                    gap=not blocks,
                    lead=_lead(segment, text),
                    list_item=list_item,
                    link_only=link_only,
                )
            )
    return blocks


def _lead(segment: list[_Piece], text: str) -> str:
    """The bold runs that open the line (blank runs between them allowed), as a prefix of
    `text`; "" when the line does not open in bold."""
    opening: list[_Piece] = []
    for piece in segment:
        if not (piece.bold or not piece.text.strip()):
            break
        opening.append(piece)
    if not any(piece.bold and piece.text.strip() for piece in opening):
        return ""
    lead = _clean("".join(piece.text for piece in opening))
    return lead if text.startswith(lead) else ""
