"""Markdown with bold names (`**名**：`, `**名：**`, front matter), pinned by golden files
generated once and reviewed line by line. Bold is a way of writing labels, not a format of
its own: the Markdown reader keeps the bold run as the block's lead for the label stage."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, markdown

from .conftest import DATA
from .test_parsing_plaintext import check_golden

FOLDER = DATA / "bold"
GOLDEN = ["front_matter_traditional", "english_inline"]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name):
    check_golden(markdown, FOLDER, name, "md")


@pytest.mark.parametrize("name", GOLDEN)
def test_detected(name):
    assert markdown.looks_like((FOLDER / f"{name}.md").read_text(encoding="utf-8"))


def test_broken_front_matter_is_a_parse_error():
    with pytest.raises(ParseError, match="YAML"):
        markdown.parse("---\ntitle: [oops\n---\n**甲**：一\n**甲**：二\n")


def test_bold_prose_without_speakers_is_a_parse_error():
    with pytest.raises(ParseError, match="no speaker turns"):
        markdown.parse("# 随笔\n\n**他说**：好。\n\n**她说：**也好。\n")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="---\n title:speakers王芳主持人问答：:（）()**# 。", max_size=300))
def test_only_parse_errors_escape(text):
    with contextlib.suppress(ParseError):
        markdown.parse(text)
