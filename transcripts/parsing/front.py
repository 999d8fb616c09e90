"""What opens a transcript file before its first turn, found before the label stage runs so
that declarations are not taken for turns: a speech-recognition header (date | length,
关键词, 文字记录), a title field (`会议主题：…`), and the people the file declares — a guest
list (`嘉宾介绍`, `與談人：` and the names below it) or role lines (`主持人：林宜蓁（…）`,
`主讲：周汝清，…`)."""

from __future__ import annotations

import re

from . import blocks as kinds
from . import dates, labels, notspeech
from . import vocabulary as vocab
from .blocks import Block
from .transcript import Speaker

GUEST_LIST_MARKERS = (
    *vocab.GUEST_LIST_MARKERS,
    *(
        "本期嘉宾",
        "本期嘉賓",
        "对谈嘉宾",
        "對談嘉賓",
        "与会嘉宾",
        "與會嘉賓",
        "主讲嘉宾",
        "主講嘉賓",
    ),
    *("嘉宾", "嘉賓", "与谈人", "與談人", "出场人物", "出場人物", "人物介绍", "人物介紹"),
    *("出场嘉宾", "出場嘉賓", "到场嘉宾", "到場嘉賓"),
    *("guests", "panelists", "speakers", "participants", "panel"),
)
_GUEST_MARKER = re.compile(
    r"^\s*(?:"
    + "|".join(sorted(map(re.escape, GUEST_LIST_MARKERS), key=len, reverse=True))
    + rf")\s*(?:{vocab.COLON}\s*(?P<inline>.*))?$",
    re.IGNORECASE,
)
MAX_GUEST_ENTRY = 150
MAX_GUESTS = 20


class Front:
    """What opens the file before the transcript: a speech-recognition header, a title field
    (`会议主题：…`), and the people it declares — a guest list (`嘉宾介绍`, `與談人：` and names
    below it) or role lines (`主持人：林宜蓁（…）`, `主讲：周汝清，…`). Found before the label
    stage runs, so that declarations are not taken for turns."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.consumed: dict[int, str] = {}  # block index → what it became
        self.dropped: dict[int, str] = {}  # block index → why it is no one's speech
        self.header_date = None
        self.title = ""
        self.guests: list[Speaker] = []
        self._header(blocks)
        self._declarations(blocks)

    def _header(self, blocks) -> None:
        for index, block in enumerate(blocks[:12]):
            text = block.text.strip()
            if notspeech.is_recording_line(text):
                self.consumed[index] = "recording date"
                self.header_date = dates.find_date(text)
            elif notspeech.keywords(text) is not None:
                self.dropped[index] = notspeech.KEYWORDS
                if not notspeech.keywords(text):  # the words follow on their own line(s)
                    for after in range(index + 1, min(index + 4, len(blocks))):
                        if not _keyword_line(blocks[after].text):
                            break
                        self.dropped[after] = notspeech.KEYWORDS
            elif notspeech.is_header_mark(text):
                self.dropped[index] = notspeech.HEADER
                return

    def _declarations(self, blocks) -> None:
        listing: str | None = None  # reading a list of people of this role ("" for any)
        for index, block in enumerate(blocks[:MAX_FRONT]):
            if index in self.dropped or index in self.consumed or block.kind == kinds.RULE:
                continue
            text = block.text.strip()
            found = _title_field(text)
            if found and not self.title:
                self.title, self.consumed[index] = found, "title"
                continue
            marker = _GUEST_MARKER.match(text)
            if marker and not (marker.group("inline") or "").strip():
                following = blocks[index + 1].text if index + 1 < len(blocks) else ""
                if not (_guest(following, "") or _declaration(following)):
                    marker = None  # `與談人：` with speech below is a label, not a list
            if marker:
                inline = (marker.group("inline") or "").strip()
                role = _marker_role(text)
                people = _inline_people(inline, role)
                if inline and not people:
                    return
                self._declare(index, people)
                listing = None if inline else role
                continue
            declared = _declaration(text)
            if declared is not None:
                role, person = declared
                if person is None:
                    following = blocks[index + 1].text if index + 1 < len(blocks) else ""
                    if _guest(following, role) is None:
                        return  # `主持人：` alone, with speech below: the transcript begins
                    self.consumed[index], listing = "guest list", role
                elif not self._declare(index, [person]):
                    return
                continue
            person = _guest(text, listing) if listing is not None else None
            if person is not None and block.kind in (kinds.PARAGRAPH, kinds.QUOTE):
                if not self._declare(index, [person]):
                    return
                continue
            listing = None
            if index > 0 and _is_turn(text, blocks[index + 1 : index + MAX_FRONT]):
                return

    def _declare(self, index: int, people: list[Speaker]) -> bool:
        """Add people to the declared list; False when one is already there (the transcript
        has begun: 李明：谢谢。)."""
        known = {labels.variant_key(g.name) for g in self.guests}
        if any(labels.variant_key(p.name) in known for p in people):
            return False
        self.guests += people
        self.consumed[index] = "guest list"
        return True


MAX_FRONT = 60
_LIST_SPLIT = re.compile(r"\s*[、,，;；/]\s*")
_TITLE_FIELD = re.compile(
    r"^\s*(?:会议主题|會議主題|活动主题|活動主題|讲座主题|講座主題|活动名称|活動名稱|主题|主題|标题|標題"
    r"|题目|題目|title|topic|subject)\s*[:：]\s*(?P<title>\S.{0,99})$",
    re.IGNORECASE,
)
# speech, or a sentence quoting someone (会上，孙强说：“…”), is no bio
_NOT_BIO = re.compile(r"[我你您咱]|大家|欢迎|歡迎|谢谢|謝謝|[？?!！]|[说說道][:：]|[:：]\s*[“\"「]")


def _title_field(text: str) -> str:
    match = _TITLE_FIELD.match(text)
    return match.group("title").strip() if match else ""


def _marker_role(text: str) -> str:
    """The role a list marker gives its entries: 與談人 → guest; 嘉宾介绍 → "" (any)."""
    word = _GUEST_MARKER.match(text).group(0).split("：")[0].split(":")[0].strip()
    return vocab.role_of_word(word) or ""


def _declaration(text: str) -> tuple[str, Speaker | None] | None:
    """`主持人：林宜蓁（基金會 執行長）`, `主讲：周汝清，教授` → (role, the person); `與談人：`
    alone → (role, None), a list of that role follows; None for anything else."""
    label = labels.read_label(text)
    if label is None or not label.placeholder or label.role is None or label.time is not None:
        return None
    if not label.text:
        return label.role, None
    person = _person(label.text, label.role)
    if person is not None:
        return label.role, person
    return None


def _inline_people(inline: str, role: str) -> list[Speaker]:
    """The people after a list marker on its line: `林默（诗人）、苏晴（翻译家）`, or one person
    and their bio, `陈静博士（Dr. Jing Chen），清华大学副教授`; [] when it is not a list."""
    if not inline:
        return []
    people = [_person(piece, role) for piece in _LIST_SPLIT.split(inline)]
    if all(people):
        return people
    one = _person(inline, role)
    return [one] if one else []


# 林宜蓁（執行長）, 李开复（Kai-Fu Lee），创新工场董事长: a name, a bracket, maybe a bio after it
_BRACKETED_PERSON = re.compile(
    r"^(?P<name>[^（(,，]{1,24}?)\s*[（(](?P<inner>[^)）]{1,80})[)）]\s*(?:[,，]\s*(?P<bio>.*))?$"
)


def _person(text: str, role: str) -> Speaker | None:
    """`林宜蓁（開放文化基金會 執行長）`, `周汝清，北京某高校教授`, `Audrey Chen`: a person and
    their bio, as guest lists write them; None for a sentence. A bracket holding the name in
    the other script (`李开复（Kai-Fu Lee）`) is another way the file may label them, and a
    title after a Chinese name (`陈静博士`) is no part of it."""
    text = text.strip().lstrip("-*•·● ").strip()
    name, bio, alias = text, "", ""
    bracket = _BRACKETED_PERSON.match(text)
    if bracket:
        name, bio = bracket.group("name").strip(), (bracket.group("bio") or "").strip()
        inner = bracket.group("inner").strip()
        if _other_script(name, inner):
            alias = inner
        else:
            bio = "，".join(piece for piece in (inner, bio) if piece)
    elif re.search(r"[,，]", text):
        name, bio = (piece.strip() for piece in re.split(r"[,，]", text, maxsplit=1))
    elif _affiliation_first(text):  # 虎嗅记者 刘畅: who they are, then the name
        bio, name = _AFFILIATION_FIRST.match(text).group("bio", "name")
    name = _without_title(name)
    if _NOT_BIO.search(bio) or not labels.looks_like_name(name):
        return None
    if not (labels.strongly_name_like(name) or (bio and len(name) <= 8)):
        return None
    return Speaker(name, role or "guest", bio=bio, aliases=(alias,) if alias else ())


def _other_script(name: str, inner: str) -> bool:
    """`李开复（Kai-Fu Lee）`, `Dr. Jing Chen` after `陈静博士`: the same name in Latin letters
    beside a Chinese one (or the other way round), not a bio."""
    latin_inner = inner.isascii() and labels.LATIN_NAME.match(inner) is not None
    latin_name = name.isascii() and labels.LATIN_NAME.match(name) is not None
    if latin_inner and labels.CJK.search(name):
        return True
    return latin_name and vocab.is_chinese_name(_without_title(inner))


_AFFILIATION_FIRST = re.compile(r"^(?P<bio>[^\s,，]{2,20})\s+(?P<name>[\u3400-\u9fff]{2,4})$")


def _affiliation_first(text: str) -> bool:
    """`本刊记者 黄冠宇`: a newsroom or title, a space, a Chinese name (not two names)."""
    match = _AFFILIATION_FIRST.match(text)
    if not match or vocab.is_chinese_name(match.group("bio")):
        return False
    return vocab.is_chinese_name(match.group("name"))


_TITLE_AFTER = re.compile(r"(?:博士|教授|老师|老師|先生|女士|院士|研究员|研究員)$")


def _without_title(name: str) -> str:
    """陈静博士 → 陈静: a title written after a Chinese name in a guest list."""
    bare = _TITLE_AFTER.sub("", name)
    return bare if bare != name and vocab.is_chinese_name(bare) else name


def _is_turn(text: str, following) -> bool:
    """The line opens a turn: a label that reads like a person, a placeholder or a time, or
    one used again below (a title such as 【讲座实录】…, used once, is none)."""
    label = labels.read_label(text)
    if label is None or not (label.text or label.style in ("alone", "timed")):
        return False
    if label.placeholder or label.time is not None or labels.strongly_name_like(label.name):
        return True
    again = (labels.read_label(block.text) for block in following)
    return any(other is not None and other.name == label.name for other in again)


def _keyword_line(text: str) -> bool:
    return (
        bool(text)
        and len(text) < 200
        and not labels.read_label(text)
        and bool(re.search(r"[、,，;；]|\s", text))
    )


def _guest(text: str, role: str) -> Speaker | None:
    """A guest-list entry: `李明：清华大学教授`, `主持人 王芳，研究员`, `赵雪（某公司 CTO）`."""
    text = text.strip().lstrip("-*•·● ").strip()
    label = labels.read_label(text)
    entry = label and label.text and not label.placeholder and label.style in ("colon", "alone")
    if entry and labels.looks_like_name(label.name) and not _NOT_BIO.search(label.text):
        return Speaker(label.name, label.role or role or "guest", bio=label.text)
    split = vocab.role_prefix(re.split(r"[,，（(]", text, maxsplit=1)[0].strip())
    if split:
        person = _person(text[text.index(split[0]) :], split[1])
        return person
    return _person(text, role)


# 大家好，我是周磊 / hi everyone I'm Dana Whitfield: how a talk or a video opens
_SELF_CHINESE = re.compile(
    r"(?:我是|我叫|我的名字(?:是|叫))(?P<name>[\u3400-\u9fff]{2,4}?)(?=[\s，,。.！!、~～]|$)"
)
_SELF_LATIN = re.compile(
    r"\b(?:I'm|I’m|I am|[Mm]y name is)\s+"
    r"(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2})\b"
)
SELF_INTRO_BLOCKS = 3


def self_introduced(blocks) -> Speaker | None:
    """The one speaker of a time-coded file without any label (captions of a talk or a vlog),
    when they say who they are in its first lines; None otherwise. An editor reads the whole
    file as that person's; without a name it stays an unknown speaker."""
    timed = [block for block in blocks if block.start is not None][:SELF_INTRO_BLOCKS]
    if not timed or len(timed) < min(len(blocks), SELF_INTRO_BLOCKS):
        return None
    for block in timed:
        found = _SELF_CHINESE.search(block.text)
        if found and vocab.is_chinese_name(found.group("name")):
            return Speaker(found.group("name"), "guest")
        found = _SELF_LATIN.search(block.text)
        if found and labels.strongly_name_like(found.group("name")):
            return Speaker(found.group("name"), "guest")
    return None
