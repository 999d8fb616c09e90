"""Dates as transcripts write them (2024-05-18, 2024/5/18, 2024年5月18日), and clock times in a
recording (01:02:03.5), read in one place for every format."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?")
# the clock time and zone a meeting app writes after its date: 10:02 GMT-7, 14:30, 2:03 PM
_CLOCK = (
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?"
    r"(?:\s*(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?)?)?"
)
# … - Transcript / — 文字记录: what a meeting app adds after the meeting's name and date
_WHAT = (
    r"(?:\s*[-—–|｜]\s*"
    r"(?:transcript|meeting notes|notes|文字记录|文字記錄|会议纪要|會議紀要|转写|轉寫))?"
)
_TRAILING = re.compile(rf"[\s(（|｜—-]+{DATE.pattern}{_CLOCK}[)）]?{_WHAT}$", re.IGNORECASE)
_EDGES = " -—|｜:："


def to_date(match: re.Match[str] | None) -> datetime.date | None:
    """The calendar date a DATE match names; None for no match or an impossible date."""
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()[:3]))
    except ValueError:
        return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# June 12, 2024 / 12 June 2024
_ENGLISH = re.compile(
    rf"\b(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\.?,?\s+(?P<year2>\d{{4}}))\b",
    re.IGNORECASE,
)


def find_date(text: str) -> datetime.date | None:
    """The first date anywhere in `text` (2024-06-12, 2024年6月12日, June 12, 2024)."""
    found = to_date(DATE.search(text))
    if found:
        return found
    match = _ENGLISH.search(text)
    if not match:
        return None
    month = _MONTHS[(match.group("month") or match.group("month2")).lower()]
    day = int(match.group("day") or match.group("day2"))
    try:
        return datetime.date(int(match.group("year") or match.group("year2")), month, day)
    except ValueError:
        return None


def split_date(line: str) -> tuple[datetime.date | None, str]:
    """`2024-05-18 标题` or `标题 2024-05-18` / `标题（2024年5月18日）` → (date, 标题); a line
    without a date at either end is all title."""
    line = line.strip()
    match = DATE.match(line)
    if match:
        return to_date(match), line[match.end() :].strip(_EDGES) or line
    match = _TRAILING.search(line)
    if match and match.start() > 0:
        return to_date(match), line[: match.start()].strip(_EDGES) or line
    return None, line


def seconds(time: str) -> float:
    """`01:02:03.5` → 3723.5; `1:02` → 62; `00:00:01,250` → 1.25. Exact: the nearest float to
    the time written, whatever the route (subtitles, labels, tables, recognition exports)."""
    total = Decimal(0)
    for piece in time.replace(",", ".").split(":"):
        total = total * 60 + Decimal(piece)
    return float(total)


def from_value(value: object) -> datetime.date | None:
    """A date from front matter: YAML gives a date, a datetime or a string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return to_date(DATE.match(value.strip()))
    return None


_FULLWIDTH_TIME = re.compile(r"[０-９]{1,2}(?:[：:][０-９]{2}){1,2}(?:[.,．，][０-９]{1,3})?")
_TO_ASCII = str.maketrans("０１２３４５６７８９：．，", "0123456789:.,")


def ascii_times(text: str) -> str:
    """Times typed with a Chinese input method's full-width digits and colons (`００：０１：０５`)
    written the usual way, so that they read as times; nothing else in the text changes."""
    if not _FULLWIDTH_TIME.search(text):
        return text
    return _FULLWIDTH_TIME.sub(lambda m: m.group(0).translate(_TO_ASCII), text)
