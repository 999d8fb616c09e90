"""Word paragraph styles and what they mean for us (heading level, title, caption, quote, table
of contents, list, bold), each resolved once through its basedOn chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.oxml.ns import qn

W_VAL = qn("w:val")

_HEADING_NAME = re.compile(r"^(?:heading|标题|標題)\s*([1-9])$")
_TITLE_NAMES = {"title", "标题", "標題"}
_CAPTION_NAMES = {"caption", "题注", "題注"}
_QUOTE_NAMES = {"quote", "intense quote", "引用", "明显引用", "明顯引用"}
_TOC_NAME = re.compile(r"^(?:toc|目录|目錄)\s*(?:\d|heading$|标题$|標題$)")
_LIST_NAME = re.compile(r"list|列表|列出段落|项目符号|項目符號|编号|編號")
_OFF = {"0", "false", "off", "none"}


@dataclass(frozen=True)
class Style:
    """What a paragraph style means for us, with its basedOn chain resolved."""

    heading: int = 0
    title: bool = False
    caption: bool = False
    quote: bool = False
    toc: bool = False
    list_item: bool = False
    bold: bool | None = None


class Styles:
    """Style ids resolved once (python-docx looks a style up by id on every access)."""

    def __init__(self, styles_element) -> None:
        self._raw = {
            el.get(qn("w:styleId")): el for el in styles_element.iterchildren(qn("w:style"))
        }
        self.paragraph: dict[str | None, Style] = {}
        self.character_bold: dict[str, bool | None] = {}
        default = Style()
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

    def of(self, style_id: str | None) -> Style:
        return self.paragraph.get(style_id) or self.paragraph[None]

    def _resolve(self, style_id: str, element) -> Style:
        name_element = element.find(qn("w:name"))
        name = (name_element.get(W_VAL, "") if name_element is not None else "").strip().lower()
        outline = self._inherited(style_id, "w:pPr/w:outlineLvl")
        numbered = self._inherited(style_id, "w:pPr/w:numPr/w:numId")
        heading = heading_level(name, outline)
        return Style(
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
                return style_value(path, found)
            based_on = element.find(qn("w:basedOn"))
            style_id = based_on.get(W_VAL) if based_on is not None else None
        return None


def style_value(path: str, element):
    raw = element.get(W_VAL)
    if path.endswith("outlineLvl"):
        return int(raw) if raw and raw.isdigit() else None
    if path.endswith("numId"):
        return raw not in (None, "0")
    return raw is None or raw.lower() not in _OFF


def heading_level(name: str, outline: int | None) -> int:
    """Heading level 1..6 from a style name or an outline level (0 = level 1; 9 = body)."""
    match = _HEADING_NAME.match(name)
    if match:
        return min(int(match.group(1)), 6)
    if outline is not None and outline < 9:
        return min(outline + 1, 6)
    return 0
