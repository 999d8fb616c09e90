"""Markdown: optional YAML front matter (`---` … `---`: title, date, series, organizer, source,
source_url, intro, tags, and `speakers:` with name, role, bio, handle), then lines.

Each line is a block: `#` headings (with their level), `>` block quotes, `---` separators,
`![alt](src)` images, list items (bullet removed), paragraphs. Inline markup is removed from
the text — bold, italics, code, links (their text kept) — and a bold run opening the line is
kept as the block's `lead`, so the label stage knows `**名**：`, `**名：**` and even the
malformed `**名（主持**）：` were written in bold. Speaker labels in headings (`### 名：`), in
bold or plain, are the label stage's to find.
"""

from __future__ import annotations

import re
import tomllib

import yaml

from . import blocks as kinds
from . import dates
from . import vocabulary as vocab
from .assemble import assemble
from .blocks import Block, Document
from .tables import Row, table_blocks
from .transcript import Dropped, ParseError, Speaker, Transcript

FORMAT = "markdown"

_TOML_FRONT_MATTER = re.compile(
    r"\A\ufeff?\s*\+\+\+[ \t]*\n(?P<toml>.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S
)
_FRONT_MATTER = re.compile(
    r"\A\ufeff?\s*---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_LIST = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]*)\)")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_BOLD = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_ITALIC = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_CODE = re.compile(r"`([^`\n]*)`")
_HTML_TAG = re.compile(
    r"</?(?:strong|b|em|i|u|s|span|font|mark|sup|sub|small|big|del|ins|a|p|div|center|section"
    r"|figure|figcaption)\b[^>]*>|<br\s*/?>",
    re.I,
)
# Raw HTML in Markdown: an image, or a caption
_HTML_IMAGE = re.compile(r"^(?:<[a-z]+[^>]*>\s*)*<img\b(?P<attrs>[^>]*)>(?:\s*</[a-z]+>)*$", re.I)
_HTML_ALT = re.compile(r"\balt\s*=\s*[\"'](?P<alt>[^\"']*)[\"']", re.I)
_HTML_CAPTION = re.compile(r"<figcaption\b", re.I)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_LEAD = re.compile(r"^\s*(?:\*\*|__)(?P<lead>.+?)(?:\*\*|__)")
_ROLES = {"host": "host", "guest": "guest", "audience": "audience", "other": "other"}
MIN_BOLD_LABELS = 2


def looks_like(text: str) -> bool:
    """Front matter, a `#` heading, an image, or bold at the start of at least two lines."""
    if _FRONT_MATTER.match(text) or _TOML_FRONT_MATTER.match(text):
        return True
    lines = [line.strip() for line in text.split("\n", 5000)[:5000]]
    if any(_MARKDOWN_LINE.match(line) for line in lines):
        return True
    bold = [line for line in lines if line.startswith(("**", "__"))]
    return len(bold) >= MIN_BOLD_LABELS or any(_BOLD_LABEL.match(line) for line in bold)


# `**名：**` / `**名**：` — one such line is Markdown enough
_BOLD_LABEL = re.compile(r"^(?:\*\*|__)[^*_\n]{1,40}?(?:[:：](?:\*\*|__)|(?:\*\*|__)\s*[:：])")


_MARKDOWN_LINE = re.compile(r"^(?:#{1,6}\s+\S|!\[[^\]]*\]\([^)]*\)\s*$)")


def parse(text: str) -> Transcript:
    return assemble(read(text))


def read(text: str) -> Document:
    meta, body, consumed = _front_matter(text)
    lines = _Lines().read(body, first_line=len(consumed) + 1 if consumed else 1)
    return Document(
        blocks=tuple(lines.found),
        format=FORMAT,
        title=_text(meta.get("title")),
        date=dates.from_value(meta.get("date")),
        series=_text(meta.get("series")),
        organizer=_text(meta.get("organizer")),
        source_name=_text(meta.get("source")),
        source_url=_text(meta.get("source_url") or meta.get("url")),
        intro=_text(meta.get("intro") or meta.get("summary") or meta.get("description")),
        tags=tuple(
            dict.fromkeys([*(_text(t) for t in _list(meta.get("tags")) if _text(t)), *lines.tags])
        ),
        speakers=tuple(_declared(meta.get("speakers"))),
        dropped=(*_unused(meta, consumed), *lines.dropped),
        consumed=(*((line, "front matter") for line in consumed), *lines.consumed),
    )


_USED = {"title", "date", "series", "organizer", "source", "source_url", "url", "intro"}
_USED |= {"summary", "description", "tags", "speakers"}


def _unused(meta: dict, consumed: list[int]) -> list[Dropped]:
    """Front-matter fields the site has no place for (layout, author...), listed, not lost."""
    line = consumed[0] if consumed else 1
    return [
        Dropped(line, f"{key}: {value}", "front matter field the site does not use")
        for key, value in meta.items()
        if str(key).lower() not in _USED
    ]


def _front_matter(text: str) -> tuple[dict, str, list[int]]:
    """YAML between `---` lines, or TOML between `+++` lines (Hugo)."""
    match = _FRONT_MATTER.match(text) or _TOML_FRONT_MATTER.match(text)
    if not match:
        return {}, text, []
    try:
        if match.re is _TOML_FRONT_MATTER:
            data = tomllib.loads(match.group("toml"))
        else:
            data = yaml.safe_load(match.group("yaml"))
    except (yaml.YAMLError, tomllib.TOMLDecodeError, RecursionError) as error:
        kind = "TOML" if match.re is _TOML_FRONT_MATTER else "YAML"
        raise ParseError(f"the front matter is not valid {kind}: {error}", position=0) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError(
            "the front matter must be a mapping of keys (title:, date:...)", position=0
        )
    lines = match.group().count("\n") + (0 if match.group().endswith("\n") else 1)
    return data, text[match.end() :], list(range(1, lines + 1))


def _list(value: object) -> list:
    if isinstance(value, str):
        return [piece for piece in re.split(r"[,，、]\s*", value) if piece.strip()]
    return value if isinstance(value, list) else []


def _declared(raw: object) -> list[Speaker]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ParseError("front matter 'speakers' must be a list")
    speakers = []
    for entry in raw:
        entry = {"name": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not _text(entry.get("name")):
            raise ParseError("each front matter speaker needs a name")
        role = _text(entry.get("role"))
        role = _ROLES.get(role.lower()) or vocab.role_of_word(role) or ("other" if role else "")
        speakers.append(
            Speaker(
                name=_text(entry["name"]),
                role=role,
                handle=_text(entry.get("handle")).lstrip("@"),
                bio=_text(entry.get("bio")),
            )
        )
    return speakers


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


class _Lines:
    """Reads the body line by line into blocks, keeping what was structure (comments, setext
    underlines, a table's header and rule rows, HackMD's containers and table of contents) and
    HackMD's `tags:` line."""

    def __init__(self) -> None:
        self.found: list[Block] = []
        self.consumed: list[tuple[int, str]] = []
        self.dropped: list[Dropped] = []
        self.tags: list[str] = []
        self.table: list[Row] = []
        self.gap = True
        self.comment = False

    def read(self, body: str, first_line: int) -> _Lines:
        for number, raw in enumerate(body.split("\n"), start=first_line):
            self.line(raw.strip().lstrip("\ufeff"), number)
        self.flush_table()
        return self

    def line(self, line: str, number: int) -> None:
        if self.comment or line.startswith("<!--"):
            self.comment = "-->" not in line or (not self.comment and line.endswith("<!--"))
            self.consumed.append((number, "comment"))
            return
        if _TABLE_RULE.match(line) and self.table and self.table[-1].first == number - 1:
            header = self.table.pop()  # the row above the rule is the table's header
            self.consumed += [(header.first, "table header"), (number, "table rule")]
            return None
        if _TABLE_ROW.match(line):
            return self.row(line, number)
        self.flush_table()
        if not line or _EMPTY_QUOTE.match(line):
            if line:
                self.consumed.append((number, "empty quote line"))
            self.gap = True
            return None
        structure = _structure(line)
        if structure:
            self.consumed.append((number, structure))
            self.tags += _note_tags(line) if structure == "tags" else []
            self.gap = True
            return None
        if self.underline(line, number):
            return None
        block = _block(line, number, self.gap)
        if block is not None:
            self.found.append(block)
        self.gap = False
        return None

    def underline(self, line: str, number: int) -> bool:
        """`===` (or `---` under the first line) under a paragraph makes it a heading."""
        previous = self.found[-1] if self.found and not self.gap else None
        if not (previous and previous.kind == kinds.PARAGRAPH and _SETEXT.match(line)):
            return False
        if not (line.startswith("=") or len(self.found) == 1):
            return False
        level = 2 - line.startswith("=")
        self.found[-1] = Block(kinds.HEADING, previous.text, previous.line, level=level)
        self.consumed.append((number, "heading underline"))
        return True

    def row(self, line: str, number: int) -> None:
        cells = [inline(cell) for cell in line.strip().strip("|").split("|")]
        self.table.append(
            Row(
                number,
                1,
                [[Block(kinds.PARAGRAPH, cell, number)] if cell else [] for cell in cells],
            )
        )

    def flush_table(self) -> None:
        if self.table:
            self.found += table_blocks(self.table, self.dropped)
            self.table = []
            self.gap = True


# HackMD (g0v's transcripts are written there): `:::info` … `:::` containers, `[TOC]`, and a
# `###### tags: `逐字稿` `g0v`` line; `{%youtube id %}` embeds; `[name=…]` signs a note by
# one of the note's editors, never speech.
_CONTAINER = re.compile(r"^:::\s*[\w-]*(?:\s.*)?$")
_TOC = re.compile(r"^\[toc\]$", re.IGNORECASE)
_TAGS_LINE = re.compile(r"^(?:#{1,6}\s*)?tags\s*[:：]\s*(?P<tags>.+)$", re.IGNORECASE)
_EMBED = re.compile(r"^\{%\s*[a-z]+\s+[^%]*%\}$", re.IGNORECASE)
_SIGNATURE = re.compile(r"\[(?:name|time|color)=[^\]]*\]", re.IGNORECASE)


def _structure(line: str) -> str:
    """What a line of pure note structure is ("" for content)."""
    if _CONTAINER.match(line):
        return "note container"
    if _TOC.match(line):
        return "table of contents"
    if _TAGS_LINE.match(line):
        return "tags"
    return ""


def _note_tags(line: str) -> list[str]:
    raw = _TAGS_LINE.match(line).group("tags")
    return [tag for tag in re.split(r"[`,，、\s]+", raw) if tag]


_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_TASK = re.compile(r"^\[[ xX]\]\s+")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_EMPTY_QUOTE = re.compile(r"^(?:>\s*)+$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$")


def _block(line: str, number: int, gap: bool) -> Block | None:
    heading = _HEADING.match(line)
    if heading:
        title = inline(heading.group("title") or "")
        if not title:
            return Block(kinds.RULE, line, number, gap=gap)
        return Block(kinds.HEADING, title, number, level=len(heading.group("hashes")), gap=gap)
    if _RULE.match(line):
        return Block(kinds.RULE, line, number, gap=gap)
    kind, list_item = kinds.PARAGRAPH, False
    if line.startswith(">"):
        kind, line = kinds.QUOTE, line.lstrip(">").strip()
        if not line:
            return None
    listed = _LIST.match(line)
    if listed and not line.startswith(("**", "__")):
        line, list_item = _TASK.sub("", line[listed.end() :]), True
    if _EMBED.match(line):  # {%youtube id %}: the recording, not speech
        return Block(kinds.PARAGRAPH, line, number, gap=gap, link_only=True)
    if _SIGNATURE.search(line):  # `> 這裡需要校對 [name=lanfon]`: an editor's signed note
        return Block(kinds.SIGNATURE, inline(line) or line, number, gap=gap)
    html_image = _HTML_IMAGE.match(line)
    if html_image:
        alt = _HTML_ALT.search(html_image.group("attrs"))
        return Block(
            kinds.IMAGE, alt.group("alt") if alt and alt.group("alt") else line, number, gap=gap
        )
    if _HTML_CAPTION.search(line):
        kind = kinds.CAPTION
    images = _IMAGE.sub("", line).strip()
    if _IMAGE.search(line) and not images:
        alt = " ".join(m.group("alt") for m in _IMAGE.finditer(line)).strip()
        return Block(kinds.IMAGE, alt or line, number, gap=gap)
    lead = _LEAD.match(line)
    text = inline(line)
    links = _LINK.sub("", _AUTOLINK.sub("", line)).strip(" \t|·,，、")
    link_only = bool((_LINK.search(line) or _AUTOLINK.search(line)) and not links)
    return Block(
        kind,
        text,
        number,
        gap=gap,
        lead=inline(lead.group("lead")) if lead else "",
        list_item=list_item,
        link_only=link_only,
    )


def inline(text: str) -> str:
    """Text without Markdown inline markup: links keep their text, images their alt text."""
    text = _HIGHLIGHT.sub(r"\1", _SIGNATURE.sub("", text))
    text = _IMAGE.sub(lambda m: m.group("alt"), text)
    text = _LINK.sub(lambda m: m.group("text") or m.group("url"), text)
    text = _AUTOLINK.sub(lambda m: m.group("url"), text)
    text = _CODE.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _BOLD.sub("", text)
    text = _ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    return _ESCAPE.sub(r"\1", text).strip()
