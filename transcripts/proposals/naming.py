"""Who a placeholder speaker (说话人1) is, read from what is said. Pure: it takes the turns as
(speaker label, text) and the event's intro, no database.

The evidence, strongest first:
- a self-introduction in the speaker's own turn: 我是王明, 我叫李华, 我是来自清华的张伟,
  我是今天的主持人陈静, 我叫 Alice Wang. The name must look like one (a common surname and one
  to three more characters, or jieba tags it a person, or a capitalised Latin name) and end the
  clause, so 我是说, 我是觉得, 我是做推荐的 and 我是王明的学生 name no one;
- a hand-off: thanks at the start of a sentence are for the previous speaker (谢谢王老师的分享),
  an invitation is for the next one (有请李华, 请王老师谈谈, 王老师您怎么看). A surname with a title
  (王老师) is completed from the names the event knows (the intro's guest list, its named
  speakers, the self-introductions) when exactly one matches, else kept as 王老师;
- the last name of the intro's guest list left for the last placeholder left.
Each placeholder gets its best-supported name; no name goes to two placeholders.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import segmentation

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
TITLES = ("老师", "教授", "博士", "先生", "女士", "总", "同学", "院长", "主任", "律师", "医生")
ROLES = ("今天的主持人", "本场主持人", "主持人", "嘉宾", "老师", "同学", "教授", "博士")
SELF_INTRO = re.compile(r"(?:我是|我叫|我的名字是|我的名字叫|我名字叫|本人是|本人)")
_CLAUSE_END = re.compile(r"[，,。.！!？?；;：:、\s（(]|$")
_FOLLOWERS = re.compile(r"(?:来自|目前|现在|今天|也是|是|在|负责|就职|从事)")
_LATIN_START = re.compile(r"^[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2}(?=\s*(?:[，,。.！!？?；;：:]|$))")
_START = r"(?:^|[。！？!?，,\s])"
_WHO = r"(?P<who>[^，,。！？!?\s]{1,8})"
_THANKS = re.compile(_START + r"(?:好的?[，,]?\s*)?(?:谢谢|感谢|多谢)" + _WHO)
_INVITE = re.compile(r"(?:有请|请|欢迎|邀请|问问|问一下)" + _WHO)
_VOCATIVE = re.compile(_START + _WHO[:-1] + r"?)[，,]?\s*(?:您|你)(?:怎么看|觉得|来)")
_GUEST_SEPARATORS = re.compile(
    r"[，,。：:；;、（）()\s@|]+|主持人(?:为|是)?|嘉宾(?:有|是)?|以及|和|与"
)
_NAME_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_TITLED = re.compile(rf"(?P<core>[\u4e00-\u9fff]{{1,3}}?)(?P<title>{'|'.join(TITLES)})")


@dataclass(frozen=True)
class Evidence:
    label: str  # the placeholder it is about
    name: str
    turn: int  # 0-based index of the turn that says it
    reason: str
    weight: float


def chinese_name(candidate: str, *, tagged_person: bool = False) -> bool:
    """A 2-4 character Chinese name: a common (or compound) surname and a given name."""
    if not _NAME_WORD.match(candidate):
        return False
    if candidate.startswith(COMPOUND_SURNAMES):
        return len(candidate) in (3, 4)
    return len(candidate) <= 3 and (candidate[0] in SURNAMES or tagged_person)


def _person_tagged(text: str, candidate: str) -> bool:
    return any(
        w == candidate and f in segmentation.PERSON_TAGS for w, f in segmentation.tagged_words(text)
    )


def self_introduction(text: str) -> str | None:
    """The name a speaker gives themself in this text (我是王明), or None."""
    for marker in SELF_INTRO.finditer(text):
        rest = text[marker.end() :].lstrip()
        latin = _LATIN_START.match(rest)
        if latin:
            return latin.group(0)
        clause = rest[: _CLAUSE_END.search(rest).start()]
        if clause.startswith("来自") or "的" in clause:
            clause = clause.rsplit("的", 1)[-1] if "的" in clause else ""
        for role in ROLES:  # 主持人陈静, 数学老师宋佳
            _, found, tail = clause.rpartition(role)
            if found and tail:
                clause = tail
                break
        follower = _FOLLOWERS.search(clause, 2)
        candidate = (clause[: follower.start()] if follower else clause).strip()
        if chinese_name(candidate, tagged_person=_person_tagged(text, candidate)):
            return candidate
    return None


def roster(intro: str, names: Iterable[str] = ()) -> list[str]:
    """The names the event knows: its named speakers, then the people of the intro's guest
    list (whom jieba tags as persons, or a surname and given name between separators)."""
    known = list(dict.fromkeys(n for n in names if n))
    for word, flag in segmentation.tagged_words(intro):
        if (flag in segmentation.PERSON_TAGS or flag == "user") and chinese_name(
            word, tagged_person=flag in segmentation.PERSON_TAGS
        ):
            known.append(word)
    for piece in _GUEST_SEPARATORS.split(intro):
        if chinese_name(piece) and piece[0] in SURNAMES:
            known.append(piece)
    return list(dict.fromkeys(known))


def address(who: str, known: Sequence[str]) -> str | None:
    """The person a form of address names (王老师, 知远老师, 王明, 李总), completed from the
    known names when exactly one fits; None when it names no one (大家, 主持人)."""
    titled = _TITLED.search(who)
    if titled is None:
        for name in known:
            if who.startswith(name):
                return name
        words = segmentation.tagged_words(who)
        if words and words[0][1] in segmentation.PERSON_TAGS:
            return words[0][0] if chinese_name(words[0][0], tagged_person=True) else None
        return None
    before, title = titled.group("core"), titled.group("title")
    for size in (3, 2):
        core = before[-size:]
        if len(core) < size:
            continue
        fits = [n for n in known if n == core or (size == 2 and n.endswith(core) and len(n) == 3)]
        if len(fits) == 1:
            return fits[0]
        if chinese_name(core):
            return core
    surname = before[-1:]
    if surname in SURNAMES:
        fits = [n for n in known if n.startswith(surname) and len(n) <= 4]
        return fits[0] if len(fits) == 1 else surname + title
    return None


def evidence(
    turns: Sequence[tuple[str, str]], placeholders: set[str], known: Sequence[str]
) -> list[Evidence]:
    """Everything the turns say about who the placeholders are."""
    found = []
    for i, (label, text) in enumerate(turns):
        name = self_introduction(text) if label in placeholders else None
        if name:
            reason = f"第{i + 1}段自我介绍：{_excerpt(text, name)}"
            found.append(Evidence(label, name, i, reason, 3))
    known = [*known, *(e.name for e in found)]
    for i in range(len(turns)):
        found += _hand_offs(turns, i, placeholders, known)
    return found


def _excerpt(text: str, name: str) -> str:
    at = text.find(name)
    start = max(0, text.rfind("我", 0, at), text.rfind("本人", 0, at))
    return text[start : at + len(name)]


def _other(turns: Sequence[tuple[str, str]], i: int, step: int) -> int | None:
    """The nearest turn before (step -1) or after (+1) turn i by another speaker."""
    j = i + step
    while 0 <= j < len(turns) and turns[j][0] == turns[i][0]:
        j += step
    return j if 0 <= j < len(turns) else None


def _first_sentence(text: str) -> str:
    """Thanks at the start of a turn answer the previous speaker; later ones may be for anyone."""
    return re.split(r"[。！？!?]", text, maxsplit=1)[0]


def _hand_offs(turns, i: int, placeholders: set[str], known: Sequence[str]) -> list[Evidence]:
    text = turns[i][1]
    found = []
    for pattern, step, side in (
        (_THANKS, -1, "前"),
        (_INVITE, 1, "后"),
        (_VOCATIVE, 1, "后"),
    ):
        j = _other(turns, i, step)
        if j is None or turns[j][0] not in placeholders:
            continue
        for match in pattern.finditer(_first_sentence(text) if step < 0 else text):
            name = address(match.group("who"), known)
            if name:
                said = match.group(0).lstrip("。！？!?，, ")
                reason = f"第{i + 1}段：{said}（{side}一段的发言人）"
                weight = 2 if name in known or not name.endswith(TITLES) else 1
                found.append(Evidence(turns[j][0], name, j, reason, weight))
    return found


def propose_names(
    turns: Sequence[tuple[str, str]],
    placeholders: Iterable[str],
    *,
    intro: str = "",
    names: Iterable[str] = (),
) -> dict[str, Evidence]:
    """The best-supported name for each placeholder that has one, with its best evidence.
    `names` are the event's named speakers."""
    placeholders = set(placeholders)
    known = roster(intro, names)
    found = evidence(turns, placeholders, known)
    support: dict[tuple[str, str], float] = defaultdict(float)
    best: dict[tuple[str, str], Evidence] = {}
    for item in found:
        key = (item.label, _complete(item.name, found))
        support[key] += item.weight
        if key not in best or item.weight > best[key].weight:
            best[key] = item
    chosen: dict[str, Evidence] = {}
    taken = set(names)
    for key in sorted(support, key=lambda k: (-support[k], k)):
        label, name = key
        if label not in chosen and name not in taken:
            chosen[label] = Evidence(label, name, best[key].turn, best[key].reason, support[key])
            taken.add(name)
    return chosen | _last_guest(placeholders - set(chosen), known, taken, turns)


def _complete(name: str, found: Sequence[Evidence]) -> str:
    """王老师 is the 王明 another piece of evidence about the same speaker names."""
    if not name.endswith(TITLES):
        return name
    fits = {e.name for e in found if e.name[0] == name[0] and not e.name.endswith(TITLES)}
    return fits.pop() if len(fits) == 1 else name


def _last_guest(left: set[str], known: Sequence[str], taken: set[str], turns) -> dict:
    free = [n for n in known if n not in taken]
    if len(left) != 1 or len(free) != 1:
        return {}
    (label,) = left
    first = next(i for i, (who, _) in enumerate(turns) if who == label)
    return {label: Evidence(label, free[0], first, "简介中唯一未对应的嘉宾", 0.5)}
