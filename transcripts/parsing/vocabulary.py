"""Words and punctuation that every format parser shares: role words, credit words, colons,
sentence ends, brackets, Chinese numerals. Data, not logic, so parsers agree on them."""

from __future__ import annotations

import re

COLON = "[:：]"
# Other characters that input methods give for a colon: the vertical form ︰, the small form ﹕,
# the ratio sign ∶ and the modifier letter ꞉. A label written with one is a label all the same.
COLON_FORMS = "︰﹕∶꞉"

# Label words that name a role instead of a person, mapped to the role they stand for:
# Simplified, Traditional and English (lower case; `role_of_word` ignores the case of ASCII).
# A label made of one of these (and maybe a seat number) names no one yet: a placeholder.
ROLE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("主持人", "主持", "主持者", "主讲主持", "采访人", "採訪人", "采访者", "採訪者"), "host"
    ),
    **dict.fromkeys(("访谈人", "訪談人", "记者", "記者", "提问", "提問", "访问者"), "host"),
    **dict.fromkeys(("采访", "採訪"), "host"),  # 受訪者：… / 採訪：本刊記者 黃冠宇
    **dict.fromkeys(("host", "moderator", "interviewer", "mc", "emcee", "anchor"), "host"),
    **dict.fromkeys(("嘉宾", "嘉賓", "主讲人", "主講人", "主讲", "主講", "讲者", "講者"), "guest"),
    **dict.fromkeys(("与谈人", "與談人", "受访人", "受訪人", "受访者", "受訪者"), "guest"),
    **dict.fromkeys(
        ("分享人", "分享嘉宾", "分享嘉賓", "对谈嘉宾", "對談嘉賓", "特邀嘉宾"), "guest"
    ),
    **dict.fromkeys(("说话人", "說話人", "发言人", "發言人", "讲话人", "講話人"), "guest"),
    **dict.fromkeys(("guest", "speaker", "panelist", "panellist", "interviewee"), "guest"),
    **dict.fromkeys(("participant", "presenter", "spk", "speaker_", "unknown", "person"), "guest"),
    **dict.fromkeys(("参会人", "參會人", "与会者", "與會者", "未知发言人", "未知說話人"), "guest"),
    # what a recognition tool writes for a voice it could not tell apart (Otter, NPR)
    **dict.fromkeys(("unknown speaker", "unidentified speaker", "unidentified person"), "guest"),
    **dict.fromkeys(
        ("观众", "觀眾", "现场观众", "現場觀眾", "听众", "聽眾", "网友", "網友"), "audience"
    ),
    **dict.fromkeys(("提问者", "提問者", "提问人", "提問人", "学员", "學員"), "audience"),
    **dict.fromkeys(("audience", "audience member", "questioner", "q&a"), "audience"),
}

# Interview labels: 问/Q is the interviewer, 答/A the interviewee.
INTERVIEW_WORDS: dict[str, str] = {
    "问": "host",
    "問": "host",
    "q": "host",
    "答": "guest",
    "a": "guest",
}


def role_of_word(word: str) -> str | None:
    """The role a role word stands for (主持人, 與談人, Moderator → host...), None otherwise."""
    return ROLE_WORDS.get(word.lower() if word.isascii() else word)


_ROLE_BY_LENGTH = sorted(ROLE_WORDS, key=len, reverse=True)


def role_prefix(name: str) -> tuple[str, str] | None:
    """`主持人 王芳`, `Moderator Jane Doe`, `主持人王芳` → (the person, their role); None for other
    names. A Chinese role word may be glued to a two-to-four character name."""
    prefix, _, person = name.partition(" ")
    role = role_of_word(prefix)
    person = person.strip()
    # Moderator Jane Doe, 主持人 王芳; but "Guest Name" or "Speaker Pelosi" is one name
    if role and person and not role_of_word(person) and (not person.isascii() or " " in person):
        return person, role
    for word in _ROLE_BY_LENGTH:
        if not word.isascii() and name.startswith(word) and 2 <= len(name) - len(word) <= 4:
            rest = name[len(word) :]
            if is_chinese_name(rest):
                return rest, ROLE_WORDS[word]
    return None


def role_suffix(name: str) -> tuple[str, str] | None:
    """`王芳 主持人`, `Jane Doe, host` → (the person, their role); None for other names."""
    person, _, suffix = name.rpartition(" ")
    role = role_of_word(suffix.strip(" ,，"))
    if role and person.strip(" ,，") and not role_of_word(person.strip(" ,，")):
        return person.strip(" ,，"), role
    return None


# The commonest Chinese surnames (Simplified and Traditional): a label used only once is taken
# for a person when it reads like a name, and a Chinese name starts with one of these.
SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧"
    "曹彭曾肖蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏"
    "韦韋付方白邹鄒孟熊秦邱江尹薛闫閻段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向"
    "汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞"
    "左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂塗成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑"
    "华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑"
    "景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇"
    "桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺官封谈談匡鞠惠荆荊乐樂冀郁胥南班储儲原栗燕楚鄢劳勞"
    "谌諶奚皮粟冼蔺藺楼樓盘盤满滿闻聞位厉厲伊仝区區郜海阚闞花权權强強帅帥屠豆朴盖蓋练練廉禹井祖"
    "漆巴丰风風支卿国國狄平计計索宣晋晉相初门門云雲容敬来來扈晁芮都普阙闕浦戈伏鹿薄邸雍辜羊阿乌烏"
    "母裘亓修邰赫杭况況那宿鲜鮮印逯隆茹诸諸战戰慕危玉银銀亢嵇公哈湛宾賓戎勾茅利於呼居揭干但尉冶斯"
    "元束檀衣信展阴陰昝智幸奉植衡富尧堯闭閉由"
)
COMPOUND_SURNAMES = (
    *("欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "尉迟"),
    *("尉遲", "公孙", "公孫", "慕容", "长孙", "長孫", "宇文", "司徒", "夏侯", "轩辕", "軒轅"),
    *("令狐", "端木", "独孤", "獨孤", "南宫", "南宮", "西门", "西門", "澹台", "申屠", "万俟"),
)
_CHINESE_NAME = re.compile(r"^[\u3400-\u9fff]{2,4}$")


def is_chinese_name(text: str) -> bool:
    """Two to four Chinese characters starting with a common surname: 王明, 欧阳娜娜."""
    if not _CHINESE_NAME.match(text):
        return False
    if text.startswith(COMPOUND_SURNAMES):
        return len(text) >= 3
    return text[0] in SURNAMES and len(text) <= 3


# Words that introduce the guest list.
GUEST_LIST_MARKERS = (
    *("嘉宾介绍", "嘉宾简介", "嘉宾名单", "参与嘉宾", "出席嘉宾", "圆桌嘉宾", "嘉賓介紹"),
    *("嘉賓簡介", "嘉賓名單", "參與嘉賓", "出席嘉賓", "圓桌嘉賓", "与会人员", "與會人員"),
    *("参会人员", "參會人員", "参与者", "參與者", "出席人员", "出席人員", "参会者", "參會者"),
)

# Credit and caption lines: "来源:知乎" is a footer, never a speaker.
CREDIT_WORDS = (
    *(
        "来源",
        "來源",
        "作者",
        "编辑",
        "編輯",
        "责任编辑",
        "責任編輯",
        "责编",
        "責編",
        "摄影",
        "攝影",
    ),
    *("撰文", "整理", "校对", "校對", "出品", "原文链接", "原文鏈接", "图片来源", "圖片來源"),
    *("图源", "圖源", "图片", "圖片", "图", "圖", "排版", "美编", "美編", "设计", "設計", "审校"),
    *("撰稿", "审核", "審核"),
    *(
        "審校",
        "审核",
        "審核",
        "监制",
        "監製",
        "策划",
        "策劃",
        "统筹",
        "統籌",
        "文字",
        "翻译",
        "翻譯",
    ),
    *(
        "速记",
        "速記",
        "听写",
        "聽寫",
        "记录",
        "記錄",
        "文字记录",
        "文字整理",
        "视频",
        "視頻",
        "剪辑",
    ),
    *("剪輯", "封面", "头图", "頭圖", "题图", "題圖", "配图", "配圖", "注", "注释", "註", "編按"),
    *("编者按", "編者按", "编者注", "編者注", "译注", "譯註", "资料来源", "資料來源", "本文作者"),
    *("photo", "photos", "image", "picture", "source", "editor", "credit", "credits", "author"),
    *("transcribed by", "edited by", "photo by", "image source", "translated by", "caption"),
)
FOOTER_MARKERS = ("相关推荐", "相關推薦", "点击下载", "【知乎日报】")
# Lines that start the promotion after a transcript (subscribe, scan the code, read more).
PROMOTION_MARKERS = (
    *("扫码关注", "掃碼關注", "扫描二维码", "掃描二維碼", "长按二维码", "長按二維碼", "长按识别"),
    *(
        "長按識別",
        "识别二维码",
        "識別二維碼",
        "点击阅读原文",
        "點擊閱讀原文",
        "阅读原文",
        "閱讀原文",
    ),
    *(
        "往期回顾",
        "往期回顧",
        "往期推荐",
        "往期推薦",
        "推荐阅读",
        "推薦閱讀",
        "延伸阅读",
        "延伸閱讀",
    ),
    *("欢迎关注", "歡迎關注", "关注我们", "關注我們", "关注公众号", "關注公眾號", "点个在看"),
    *("上一篇", "下一篇", "分享到", "分享至"),  # a news page's tail
    *(
        "點個在看",
        "点赞",
        "點讚",
        "转载请",
        "轉載請",
        "欢迎转发",
        "歡迎轉發",
        "版权声明",
        "版權聲明",
    ),
    *("商务合作", "商務合作", "投稿邮箱", "投稿郵箱", "加入社群", "添加小助手", "订阅", "訂閱"),
    *("更多精彩", "更多内容", "更多內容", "获取更多", "獲取更多", "本期节目", "本期節目"),
    *("本文首发", "本文首發", "首发于", "首發於", "本文原载", "本文原載", "原载于", "原載於"),
    *("本文转载", "本文轉載", "整理不易", "如需转载", "如需轉載", "未经授权", "未經授權"),
    *("版权所有", "版權所有", "免责声明", "免責聲明", "copyright", "all rights reserved", "©"),
    *("subscribe to", "follow us", "sign up for", "share this", "related posts", "read more"),
)
# A line that says the transcript is over: （完）, （全文完）, -END-.
END_MARKER = re.compile(
    r"^[\s\-—–_=*·•~]*[（(【\[<《]?\s*"
    r"(?:完|全文完|本文完|全文結束|全文结束|终|終|完结|完結|end|the end|fin"
    r"|end of (?:the )?(?:transcript|recording|episode|interview|show)|transcript ends)"
    r"\s*[）)】\]>》]?[\s\-—–_=*·•~.。]*$",
    re.IGNORECASE,
)

SENTENCE_ENDS = "。！？!?…；;"
CLOSERS = "」』”\"’'）)】]》"
OPEN_BRACKETS = "(（[【"
CLOSE_BRACKETS = ")）]】"

# Bracketed remarks that are stage directions rather than speech: (观众:笑), （掌声）.
STAGE_DIRECTION = re.compile(r"[(（【\[][^()（）【】\[\]]{1,30}[)）】\]]")
# Words inside brackets that make them a stage direction: Simplified, Traditional, English.
STAGE_WORDS = (
    *("笑", "掌声", "鼓掌", "音频", "视频", "停顿", "沉默", "众人", "全场", "现场"),
    *("掌聲", "影片", "視頻", "音頻", "停頓", "眾人", "全場", "現場"),
    *("applause", "laugh", "laughter", "inaudible", "crosstalk", "pause", "music", "noise"),
    *("silence", "cough", "sigh", "blank_audio", "背景音", "音乐", "音樂", "听不清", "聽不清"),
    *("笑声", "笑聲", "咳嗽", "杂音", "雜音"),
)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMERAL = "[一二三四五六七八九十]{1,3}"


def chinese_number(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21; None for what is not a small Chinese numeral."""
    if not numeral:
        return None
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        value = (_DIGITS.get(tens, -100) if tens else 1) * 10
        value += _DIGITS.get(units, -100) if units else 0
        return value if value > 0 else None
    if len(numeral) == 1 and numeral in _DIGITS:
        return _DIGITS[numeral] or None
    return None


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (for numbers 1..99)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[units] if units else "")


def stage_directions(text: str) -> tuple[str, ...]:
    """The bracketed stage directions inside a turn, in order: brackets holding a stage word
    （笑）, （掌聲）, (laughter) or a role word (观众:笑)."""
    return tuple(
        match.group()
        for match in STAGE_DIRECTION.finditer(text)
        if is_stage_direction(match.group()[1:-1])
    )


def is_stage_direction(inner: str) -> bool:
    return bool(_STAGE_OR_ROLE.search(inner))


def has_stage_word(text: str) -> bool:
    """（掌声）, 【笑】, [Laughter]: a stage word, whoever is named with it."""
    return bool(_STAGE.search(text))


def _any_word(words) -> re.Pattern[str]:
    """English words only at a word's start: (Laughter), (host laughs), never (ghost)."""
    return re.compile(
        "|".join(
            rf"\b{re.escape(word)}" if word.isascii() else re.escape(word)
            for word in sorted(set(words), key=len, reverse=True)
        ),
        re.IGNORECASE,
    )


_STAGE_OR_ROLE = _any_word([*STAGE_WORDS, *ROLE_WORDS])
_STAGE = _any_word(STAGE_WORDS)


def is_inside_brackets(text: str, position: int, *, window: int = 40) -> bool:
    """True when `position` sits inside an unclosed bracket opened shortly before it."""
    start = max(0, position - window)
    depth = 0
    for ch in reversed(text[start:position]):
        if ch in CLOSE_BRACKETS:
            depth += 1
        elif ch in OPEN_BRACKETS:
            if depth == 0:
                return True
            depth -= 1
    return False
