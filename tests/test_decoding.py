"""Bytes → text: what cannot be a transcript is refused with a message saying why."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, decode

from .conftest import DATA, contains_whole


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"abc\x00def", "binary"),
        (b"\x80\xff\x80\xffabc", "not UTF-8"),
        (b"\xff\xfe\x00\xd8garbage\x00\x00", "UTF-16"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 3, "binary"),
    ],
)
def test_what_is_not_a_text_transcript_is_refused(data, message):
    with pytest.raises(ParseError, match=message):
        decode(data)


def test_utf8_with_or_without_bom_and_crlf_line_ends():
    assert decode("标题\r\n主持人:你好。".encode()) == "标题\n主持人:你好。"
    assert decode(codecs.BOM_UTF8 + "标题".encode()) == "标题"


def test_utf16_with_bom():
    assert decode("主持人：欢迎。".encode("utf-16")) == "主持人：欢迎。"


def test_undecodable_bytes_report_where():
    with pytest.raises(ParseError) as caught:
        decode("好".encode() + b"\xff\xfe")
    assert caught.value.position == 3
    assert contains_whole(str(caught.value), "at character 3")


ENCODINGS = DATA / "encodings"
SIMPLIFIED = (ENCODINGS / "salon_simplified.txt").read_text(encoding="utf-8")
TRADITIONAL = (ENCODINGS / "salon_traditional.txt").read_text(encoding="utf-8")
# Short realistic paragraphs: headlines, captions and single turns are where guessing is hardest.
SIMPLIFIED_SAMPLES = [
    SIMPLIFIED,
    "嘉宾：我觉得未来三年，端侧模型会越来越普及。",
    "主持人：下面进入观众提问环节，请大家举手。",
    "第二部分 应用：发展方向与落地选择",
    "张伟：数据、算力、算法，缺一不可。（掌声）",
    "来源：知乎 编辑：小王",
]
TRADITIONAL_SAMPLES = [
    TRADITIONAL,
    "來賓：我認為未來三年，終端裝置上的模型會越來越普及。",
    "主持人：接下來進入觀眾提問環節，請大家舉手。",
    "第二部分 應用：發展方向與實際選擇",
    "張偉：資料、運算、演算法，缺一不可。（掌聲）",
    "來源：臺灣科技新聞 編輯：陳小姐",
]


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk"],
)
def test_a_simplified_transcript_decodes_exactly_in_each_encoding(encoding):
    assert decode(SIMPLIFIED.encode(encoding)) == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "big5", "cp950"])
def test_a_traditional_transcript_decodes_exactly_in_each_encoding(encoding):
    assert decode(TRADITIONAL.encode(encoding)) == TRADITIONAL


@pytest.mark.parametrize("text", SIMPLIFIED_SAMPLES)
def test_simplified_text_in_gbk_is_not_read_as_big5(text):
    assert decode(text.encode("gbk")) == text


@pytest.mark.parametrize("text", TRADITIONAL_SAMPLES)
def test_traditional_text_in_big5_is_not_read_as_gb18030(text):
    assert decode(text.encode("big5")) == text


def test_traditional_text_in_gbk_stays_gbk():
    """GBK also encodes Traditional characters; a clean GBK reading must not become Big5."""
    assert decode(TRADITIONAL.encode("gbk")) == TRADITIONAL


def test_bomless_utf16_crlf_english_and_mixed_text():
    text = "Host: Welcome, everyone.\r\n嘉宾：谢谢。\r\n"
    assert decode(text.encode("utf-16-le")) == text.replace("\r\n", "\n")
    assert decode(text.encode("utf-16-be")) == text.replace("\r\n", "\n")


def test_legacy_encodings_normalise_crlf():
    assert decode("标题\r\n主持人：你好。\r\n".encode("gb18030")) == "标题\n主持人：你好。\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
        bytes(range(256)) * 4,
        random.Random(6).randbytes(4096),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(7).randbytes(500),
        "主持人：你好。\n".encode() + b"\x00" + "嘉宾：你好。".encode(),
        b"Host: hello\x00 there\n",
        b"abcd\x00efg",
        "主持人：你好。".encode("gbk") + b"\x00\x00",
    ],
)
def test_binary_and_text_with_nul_bytes_are_refused(data):
    with pytest.raises(ParseError, match="binary"):
        decode(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_raise_parse_error(data):
    try:
        text = decode(data)
    except ParseError:
        return
    assert "\x00" not in text and "\r" not in text
