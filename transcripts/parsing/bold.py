"""Markdown-ish transcripts with bold speaker names: `**名**：text`, `**名：**text`, or
`**名**：` / `**名**` alone on a line before the speaker's paragraphs.

Optional YAML front matter (`---` … `---`): title, date, series, organizer, source, source_url,
intro, tags, and `speakers:` (name, role, bio, handle) — declared speakers count as real speakers
at their first label. A `# [date] title` heading stands in for a missing front-matter title. The
shallowest of the other headings are parts, deeper ones topics (`Q1：…` gives the label "Q1").
Bold markers are removed from labels only; the paragraphs then follow the plain-text rules
(`plaintext.TurnBuilder`): label grammar, continuation, credit lines, stage directions.
"""

from __future__ import annotations

import datetime
import re

import yaml

from . import labels, plaintext
from . import vocabulary as vocab
from .transcript import ParseError, Speaker, Transcript

FORMAT = "bold"

_FRONT_MATTER = re.compile(
    r"\A\ufeff?\s*---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
_BOLD_LABEL = re.compile(r"^\*\*(?P<inner>[^*\n]{1,60}?)\*\*[ \t]*(?P<rest>.*)$", re.S)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_NUMBER_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*、|\d{1,2}\s*[、.．]\s)\s*")
_QUESTION = re.compile(r"^(?P<label>[QＱ]\s*\d{1,3})\s*[:：.．、]\s*(?P<title>.+)$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_ROLES = {"host": "host", "guest": "guest", "audience": "audience", "other": "other"}
MIN_BOLD_LABELS = 2


def looks_like(text: str) -> bool:
    """Front matter, or at least two lines opening with a bold label."""
    if _FRONT_MATTER.match(text):
        return True
    lines = plaintext.lines_of(text)
    return sum(1 for line in lines if _is_bold_label(line.text)) >= MIN_BOLD_LABELS


def _is_bold_label(line: str) -> bool:
    match = _BOLD_LABEL.match(line)
    if not match:
        return False
    inner, rest = match.group("inner").strip(), match.group("rest")
    return inner.endswith((":", "：")) or rest.startswith((":", "："))


def parse(text: str) -> Transcript:
    meta, body_text, offset = _front_matter(text)
    declared = _declared(meta.get("speakers"))
    lines = [_unbold(line, offset) for line in plaintext.lines_of(body_text)]
    headings = [_HEADING.match(line.text) for line in lines]
    title, date = _title(meta, headings)
    if title and not _text(meta.get("title")):
        lines, headings = lines[1:], headings[1:]  # the `# title` heading is no part
    levels = [len(h.group("hashes")) for h in headings if h]
    roster = labels.find_roster([line.text for line in lines], declared)
    builder = plaintext.TurnBuilder(
        roster, separate_all=not any(line.gap for line in lines), declared=tuple(declared)
    )
    for line, heading in zip(lines, headings, strict=True):
        if heading:
            _heading(builder, heading, min(levels))
        elif not (_RULE.match(line.text) or builder.credit(line) or builder.label(line)):
            builder.prose(line)
    return builder.transcript(
        title=title,
        date=date or builder.intro_date(),
        series=_text(meta.get("series")),
        organizer=_text(meta.get("organizer")),
        source_name=_text(meta.get("source")),
        source_url=_text(meta.get("source_url")),
        intro=_text(meta.get("intro") or meta.get("summary")),
        tags=tuple(_text(tag) for tag in meta.get("tags") or () if _text(tag)),
        format=FORMAT,
    )


def _front_matter(text: str) -> tuple[dict, str, int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    try:
        data = yaml.safe_load(match.group("yaml"))
    except yaml.YAMLError as error:
        raise ParseError(f"the front matter is not valid YAML: {error}", position=0) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError(
            "the front matter must be a mapping of keys (title:, date:...)", position=0
        )
    # Keep offsets pointing into the original text: blank out the front matter.
    return data, "\n" * match.group().count("\n") + text[match.end() :], 0


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
                handle=_text(entry.get("handle")),
                bio=_text(entry.get("bio")),
            )
        )
    return speakers


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _unbold(line: plaintext.Line, offset: int) -> plaintext.Line:
    """`**名**：…` / `**名：**…` / `**名**` → `名：…` / `名`; `> （笑）` → `（笑）`."""
    text = re.sub(r"^>\s?", "", line.text)
    match = _BOLD_LABEL.match(text)
    if match:
        rest = match.group("rest")
        if _is_bold_label(text) or not rest.strip():
            text = match.group("inner").strip() + rest
    return plaintext.Line(text, line.position + offset, line.gap)


def _title(meta: dict, headings) -> tuple[str, datetime.date | None]:
    """The front-matter title, else a `# [date] title` first line."""
    date = _date(meta.get("date"))
    title = _text(meta.get("title"))
    first = headings[0] if headings else None
    if not title and first and len(first.group("hashes")) == 1:
        heading_date, title = plaintext.split_date(first.group("title"))
        date = date or heading_date
    return title, date


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = plaintext._DATE.match(_text(value))
    return plaintext.to_date(match) if match else None


def _heading(builder: plaintext.TurnBuilder, heading: re.Match[str], part_level: int) -> None:
    title = _NUMBER_PREFIX.sub("", heading.group("title")).strip()
    if not title:
        return
    if len(heading.group("hashes")) == part_level:
        builder.add_part(title)
        return
    question = _QUESTION.match(title)
    if question:
        builder.add_topic(question.group("title").strip(), question.group("label").replace(" ", ""))
    else:
        builder.add_topic(title)
