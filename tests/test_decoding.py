"""Bytes → text: what cannot be a transcript is refused with a message saying why."""

from __future__ import annotations

import codecs

import pytest

from transcripts.parsing import ParseError, decode


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"abc\x00def", "binary"),
        ("大模型".encode("gbk"), "not UTF-8"),
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
    assert "at character 3" in str(caught.value)
