"""Share cards: a quote drawn as a 1200x630 PNG for link previews (og:image, twitter:card).

Pure drawing, no database and no cache: the view (`transcripts.views.cards`) reads the quote and
keeps the rendered bytes in the cache. A card needs a font with CJK glyphs: `SHARE_CARD_FONT`
(a setting, from the environment) names one; when it is empty, Debian's fonts-noto-cjk paths are
searched. With no font there is no card: `font_path()` is None (and says so once in the log), the
card URL is a 404 and quote pages carry no og:image.

Text is wrapped by width (Pillow's `textlength`): CJK characters break anywhere, Latin words and
numbers (GPT-3, 2024) stay whole, closing punctuation never starts a line, and a quote too long
for the card ends with "…" on its last line.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
TEXT_TOP = 96
TEXT_BOTTOM = 440  # the quote ends above the speaker line
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
# Faces inside Noto's CJK collections: JP, KR, SC, TC, HK; the glyph shapes follow the event.
_NOTO_FACES = {"zh-Hans": 2, "zh-Hant": 3}
SIZES = (60, 52, 44, 38)  # the largest size the quote fits at wins
ELLIPSIS = "…"
# A Latin word, a number or a handle: never broken across lines.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.'’+#%/@&]*|\s+|.", re.DOTALL)
_NO_LINE_START = set("，。、；：！？」』）》〉】〕,.;:!?)]}%…—")

BACKGROUND = (250, 247, 240)
INK = (34, 31, 28)
MUTED = (105, 98, 90)
ACCENT = (176, 58, 46)

_warned = [False]


def font_path() -> str | None:
    """The CJK font to draw with, or None (logged once per process) when there is none."""
    configured = getattr(settings, "SHARE_CARD_FONT", "") or ""
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        if Path(candidate).is_file():
            return candidate
    if not _warned[0]:
        _warned[0] = True
        logger.warning(
            "no CJK font for share cards (%s): quote pages get no card image; install "
            "fonts-noto-cjk or set SHARE_CARD_FONT",
            configured or "searched " + ", ".join(FONT_CANDIDATES),
        )
    return None


@lru_cache(maxsize=32)
def _font(path: str, size: int, language: str) -> ImageFont.FreeTypeFont:
    index = _NOTO_FACES.get(language, 2) if path.endswith(".ttc") and "CJK" in path else 0
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:  # a collection with fewer faces, or a plain font file
        return ImageFont.truetype(path, size)


def _bold_path(path: str) -> str:
    bold = path.replace("-Regular", "-Bold")
    return bold if bold != path and Path(bold).is_file() else path


@dataclass(frozen=True)
class Card:
    text: str
    speaker: str
    event_title: str
    site_name: str
    date: str = ""
    language: str = "zh-Hans"


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """`text` in lines no wider than `width` (a Latin word longer than a line is cut)."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace() and not line:
            continue
        candidate = line + token
        if font.getlength(candidate) <= width or not line.strip():
            line = candidate
        elif token in _NO_LINE_START:
            line = candidate  # hangs past the edge by one mark rather than starting a line
        elif token.isspace():
            lines.append(line.rstrip())
            line = ""
        else:
            lines.append(line.rstrip())
            line = token
        while font.getlength(line) > width and len(line) > 1 and line[-1] not in _NO_LINE_START:
            cut = _fitting(line, font, width)  # a single word wider than the line
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _fitting(text: str, font: ImageFont.FreeTypeFont, width: float) -> int:
    for end in range(len(text), 0, -1):
        if font.getlength(text[:end]) <= width:
            return max(end, 1)
    return 1


def truncate(lines: list[str], most: int, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """At most `most` lines; when some are left off the last kept one ends with "…"."""
    if len(lines) <= most:
        return lines
    last = lines[most - 1].rstrip("，、；：,;: ")
    while last and font.getlength(last + ELLIPSIS) > width:
        last = last[:-1].rstrip("，、；：,;: ")
    return [*lines[: most - 1], last + ELLIPSIS]


def _layout(card: Card, path: str) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """The quote's font, lines and line height: the largest size it fits at, else the
    smallest, truncated."""
    width = WIDTH - 2 * MARGIN
    for size in SIZES:
        font = _font(path, size, card.language)
        leading = round(size * 1.55)
        most = (TEXT_BOTTOM - TEXT_TOP) // leading
        lines = wrap(card.text, font, width)
        if len(lines) <= most or size == SIZES[-1]:
            return font, truncate(lines, most, font, width), leading
    raise AssertionError("unreachable")


def render(card: Card, path: str) -> bytes:
    """The card as PNG bytes, drawn with the font at `path`."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    font, lines, leading = _layout(card, path)
    y = TEXT_TOP
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += leading
    width = WIDTH - 2 * MARGIN
    speaker_font = _font(_bold_path(path), 36, card.language)
    small = _font(path, 28, card.language)
    draw.line((MARGIN, 470, MARGIN + 96, 470), fill=ACCENT, width=4)
    speaker = _one_line(card.speaker, speaker_font, width)
    draw.text((MARGIN, 490), speaker, font=speaker_font, fill=INK)
    source = f"《{card.event_title}》" + (f" {card.date}" if card.date else "")
    draw.text((MARGIN, 544), _one_line(source, small, width - 220), font=small, fill=MUTED)
    site_width = small.getlength(card.site_name)
    draw.text((WIDTH - MARGIN - site_width, 544), card.site_name, font=small, fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _one_line(text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    lines = wrap(text, font, width)
    return truncate(lines, 1, font, width)[0] if lines else ""
