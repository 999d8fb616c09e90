"""The Word reader: a .docx made in the test with python-docx becomes the blocks an editor would
expect (headings, bold labels as leads, one block per soft-broken line, images, captions, speaker
tables), and a damaged, encrypted or oversized file is a `ParseError`, never a traceback."""

from __future__ import annotations

import contextlib
import datetime
import io
import random
import struct
import time
import zipfile
import zlib

import docx as python_docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from transcripts.parsing import ParseError, load
from transcripts.parsing import docx as reader
from transcripts.parsing.blocks import CAPTION, HEADING, IMAGE, PARAGRAPH, QUOTE


def saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def turn(document, label: str, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
    return paragraph


def salon() -> bytes:
    """The shape of ../shared/acceptance/make_docx.py: a Title, bold labels, a credit."""
    document = python_docx.Document()
    document.add_heading("科普写作沙龙实录", level=0)
    document.add_paragraph("2024年6月1日，科普写作沙龙在上海举行。")
    turn(document, "主持人：", "欢迎两位老师。先请吴老师谈谈，科普写作最难的是什么？")
    turn(document, "吴桐：", "最难的是准确和好读之间的平衡。")
    document.add_paragraph("很多时候为了好读，我们会牺牲一点准确，这是要警惕的。")
    turn(document, "主持人：", "郑老师同意吗？")
    turn(document, "郑岚：", "同意。我会先写准确的版本，再一句一句改得好读。")
    document.add_paragraph("摄影：小周")
    turn(document, "吴桐：", "这个方法很好，我也要试试。")
    return saved(document)


def png() -> bytes:
    """A 1×1 PNG, enough for python-docx to place a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def blocks_of(data: bytes):
    return reader.read_bytes(data).blocks


# --- what an editor sees ------------------------------------------------------------------


def test_salon_title_labels_and_plain_paragraphs():
    document = reader.read_bytes(salon())
    assert document.format == "docx"
    assert document.title == "科普写作沙龙实录"
    assert document.date is None  # the file's created date is not the event's
    first, intro, *rest = document.blocks
    assert (first.kind, first.level, first.text, first.line) == (HEADING, 1, "科普写作沙龙实录", 1)
    assert (intro.kind, intro.lead, intro.line) == (PARAGRAPH, "", 2)
    leads = [(block.lead, block.text) for block in rest]
    assert leads[0] == ("主持人：", "主持人：欢迎两位老师。先请吴老师谈谈，科普写作最难的是什么？")
    assert leads[2] == ("", "很多时候为了好读，我们会牺牲一点准确，这是要警惕的。")
    assert leads[5] == ("", "摄影：小周")
    assert [block.line for block in rest] == list(range(3, 10))
    assert not any(block.list_item for block in document.blocks)


def test_soft_line_breaks_split_the_paragraph_and_keep_each_lines_bold_label():
    document = python_docx.Document()
    paragraph = turn(document, "主持人：", "请两位先做个介绍。")
    paragraph.runs[-1].add_break()
    paragraph.add_run("吴桐：").bold = True
    paragraph.add_run("我是写科普的。")
    document.add_paragraph("第二段")
    blocks = blocks_of(saved(document))
    assert [(b.text, b.lead, b.gap, b.line) for b in blocks] == [
        ("主持人：请两位先做个介绍。", "主持人：", True, 1),
        ("吴桐：我是写科普的。", "吴桐：", False, 1),
        ("第二段", "", True, 2),
    ]


def test_bold_lead_spans_runs_and_stops_at_plain_text():
    document = python_docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("主持人").bold = True
    paragraph.add_run(" ")
    paragraph.add_run("何青：").bold = True
    paragraph.add_run("开始吧。")
    paragraph.add_run("加粗在中间").bold = True
    middle = document.add_paragraph("先是普通字，")
    middle.add_run("然后加粗").bold = True
    strong = document.add_paragraph()
    strong.add_run("孙悦：", style="Strong")  # bold through a character style
    strong.add_run("同意。")
    unbold = document.add_paragraph()
    run = unbold.add_run("不加粗：", style="Strong")
    run.bold = False  # direct formatting wins over the style
    unbold.add_run("文字")
    blocks = blocks_of(saved(document))
    assert [b.lead for b in blocks] == ["主持人 何青：", "", "孙悦：", ""]
    assert blocks[0].text == "主持人 何青：开始吧。加粗在中间"


def test_headings_by_style_localized_name_base_style_and_outline_level():
    document = python_docx.Document()
    document.add_heading("一、评价体系的问题", level=1)
    document.add_heading("小节", level=3)
    document.add_heading("很深的标题", level=8)
    localized = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("二、本地化样式名", style=localized)
    custom = document.styles.add_style("我的标题", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("基于标题 2 的样式", style=custom)
    outlined = document.add_paragraph("大纲级别 1 的正文")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))
    document.add_paragraph("正文")
    blocks = blocks_of(saved(document))
    assert [(b.kind, b.level) for b in blocks] == [
        (HEADING, 1),
        (HEADING, 3),
        (HEADING, 6),
        (HEADING, 2),
        (HEADING, 2),
        (HEADING, 1),
        (PARAGRAPH, 0),
    ]
    assert reader.read_bytes(saved(document)).title == ""  # no Title style: no declared title


def test_core_title_only_without_a_title_paragraph_and_never_a_junk_one():
    document = python_docx.Document()
    document.core_properties.title = "青年学者谈科研评价"
    turn(document, "甲：", "一")
    assert reader.read_bytes(saved(document)).title == "青年学者谈科研评价"
    document.core_properties.title = "Microsoft Word - 文档1.docx"
    assert reader.read_bytes(saved(document)).title == ""
    document.core_properties.title = "属性里的标题"
    document.add_heading("正文里的标题", level=0)
    assert reader.read_bytes(saved(document)).title == "正文里的标题"


def test_images_captions_quotes_and_lists():
    document = python_docx.Document()
    document.add_picture(io.BytesIO(png()))
    document.inline_shapes[0]._inline.docPr.set("descr", "嘉宾合影")
    document.add_paragraph("图1：圆桌现场", style="Caption")
    document.add_paragraph("科学是一种态度。", style="Quote")
    document.add_paragraph("第一点", style="List Bullet")
    document.add_paragraph("第二点", style="List Number")
    mixed = document.add_paragraph("图前文字")
    mixed.add_run().add_picture(io.BytesIO(png()))
    mixed.add_run("图后文字")
    blocks = blocks_of(saved(document))
    assert [(b.kind, b.text) for b in blocks] == [
        (IMAGE, "嘉宾合影"),
        (CAPTION, "图1：圆桌现场"),
        (QUOTE, "科学是一种态度。"),
        (PARAGRAPH, "第一点"),
        (PARAGRAPH, "第二点"),
        (PARAGRAPH, "图前文字"),
        (IMAGE, ""),
        (PARAGRAPH, "图后文字"),
    ]
    assert [b.list_item for b in blocks[3:5]] == [True, True]
    assert [b.gap for b in blocks[5:]] == [True, False, False]
    assert blocks[6].line == blocks[5].line == 6


def _append_xml(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


def test_hyperlinks_are_text_and_a_links_only_paragraph_is_marked():
    document = python_docx.Document()
    w = nsdecls("w", "r")
    linked = document.add_paragraph()
    _append_xml(
        linked, f'<w:hyperlink {w} r:id="rId99"><w:r><w:t>阅读原文</w:t></w:r></w:hyperlink>'
    )
    mixed = document.add_paragraph("详见")
    _append_xml(mixed, f'<w:hyperlink {w} r:id="rId99"><w:r><w:t>官网</w:t></w:r></w:hyperlink>')
    blocks = blocks_of(saved(document))
    assert [(b.text, b.link_only) for b in blocks] == [("阅读原文", True), ("详见官网", False)]


def test_tracked_changes_read_as_accepted():
    document = python_docx.Document()
    paragraph = document.add_paragraph("保留")
    w = nsdecls("w")
    _append_xml(
        paragraph,
        f'<w:del {w} w:id="1" w:author="a"><w:r><w:delText>删掉的</w:delText></w:r></w:del>',
    )
    _append_xml(paragraph, f'<w:ins {w} w:id="2" w:author="a"><w:r><w:t>插入的</w:t></w:r></w:ins>')
    assert [b.text for b in blocks_of(saved(document))] == ["保留插入的"]


def test_text_box_and_table_of_contents_are_reported_not_spoken():
    document = python_docx.Document()
    toc = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("一、评价体系的问题\t3", style=toc)
    anchor = document.add_paragraph("正文")
    w = nsdecls("w")
    box = (
        f"<w:r {w}><w:drawing><w:txbxContent><w:p><w:r><w:t>旁边的文本框</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></w:r>"
    )
    _append_xml(anchor, box)
    result = reader.read_bytes(saved(document))
    assert [b.text for b in result.blocks] == ["正文"]
    assert [(d.line, d.text, d.reason) for d in result.dropped] == [
        (1, "一、评价体系的问题 3", "table of contents"),
        (2, "旁边的文本框", "text box in a drawing"),
    ]


def test_speaker_table_rows_become_labelled_paragraphs_and_the_header_is_reported():
    document = python_docx.Document()
    document.add_paragraph("访谈实录")
    table = document.add_table(rows=4, cols=2)
    rows = [
        ("发言人", "内容"),
        ("主持人", "欢迎。"),
        ("吴桐：", "谢谢邀请，很高兴来。"),
        ("", "接着说。"),
    ]
    for row, (speaker, text) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = speaker, text
    table.rows[2].cells[1].add_paragraph("第二段。")
    document.add_paragraph("（完）")
    result = reader.read_bytes(saved(document))
    assert [(b.text, b.lead, b.line) for b in result.blocks] == [
        ("访谈实录", "", 1),
        ("主持人：欢迎。", "主持人：", 4),
        ("吴桐：谢谢邀请，很高兴来。", "吴桐：", 6),
        ("第二段。", "", 8),
        ("接着说。", "", 10),
        ("（完）", "", 11),
    ]
    assert result.blocks[2].lines == 3
    assert [(d.line, d.text, d.reason) for d in result.dropped] == [
        (2, "发言人 | 内容", "table header row")
    ]


def test_time_speaker_text_table_gives_start_times():
    document = python_docx.Document()
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("00:00:05", "说话人1", "大家好，我们开始。"),
        ("00:01:12", "说话人2", "好的，我先说。"),
        ("1:02:03", "说话人1", "谢谢。"),
    ]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    blocks = blocks_of(saved(document))
    assert [(b.lead, b.start) for b in blocks] == [
        ("说话人1：", 5.0),
        ("说话人2：", 72.0),
        ("说话人1：", 3723.0),
    ]


def test_other_tables_keep_rows_or_cells_whole():
    document = python_docx.Document()
    schedule = document.add_table(rows=2, cols=3)
    for row, cells in zip(
        schedule.rows,
        [("14:00", "开场致辞", "主持人"), ("14:10", "圆桌讨论", "全体嘉宾")],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    layout = document.add_table(rows=1, cols=2)
    layout.rows[0].cells[0].text = "左栏第一段"
    layout.rows[0].cells[0].add_paragraph("左栏第二段")
    layout.rows[0].cells[1].text = "右栏"
    single = document.add_table(rows=1, cols=1)
    single.rows[0].cells[0].text = "单列表格里的正文"
    texts = [b.text for b in blocks_of(saved(document))]
    assert texts == [
        "14:00 | 开场致辞 | 主持人",
        "14:10 | 圆桌讨论 | 全体嘉宾",
        "左栏第一段",
        "左栏第二段",
        "右栏",
        "单列表格里的正文",
    ]


# --- what is not a Word document ----------------------------------------------------------


def test_looks_like_bytes():
    assert reader.looks_like_bytes(salon())
    assert not reader.looks_like_bytes("主持人：你好".encode())
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert not reader.looks_like_bytes(other.getvalue())
    assert reader.looks_like_bytes(salon()[:3000])  # truncated: read_bytes explains
    assert reader.looks_like_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not really a zip", "truncated or corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "encrypted"),
        (b"plain text", "truncated or corrupt"),
    ],
)
def test_not_a_docx_is_a_clear_parse_error(data, message):
    with pytest.raises(ParseError, match=message):
        reader.read_bytes(data)


def _zip(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _replace_part(data: bytes, name: str, content: bytes | None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    if content is None:
        del entries[name]
    else:
        entries[name] = content
    return _zip(entries)


def test_other_zip_truncated_docx_and_broken_parts_are_parse_errors():
    with pytest.raises(ParseError, match="not a Word document"):
        reader.read_bytes(_zip({"xl/workbook.xml": "<workbook/>"}))
    with pytest.raises(ParseError, match="truncated or corrupt"):
        reader.read_bytes(salon()[: len(salon()) // 2])
    with pytest.raises(ParseError, match="cannot read the Word document"):
        reader.read_bytes(_replace_part(salon(), "word/document.xml", b"<w:document><w:body>"))
    with pytest.raises(ParseError, match="cannot read the Word document"):
        reader.read_bytes(_replace_part(salon(), "word/document.xml", None))


def test_encrypted_zip_entry_is_refused():
    data = bytearray(salon())
    # Set the "encrypted" flag on every central directory entry.
    index = data.find(b"PK\x01\x02")
    while index != -1:
        data[index + 8] |= 0x01
        index = data.find(b"PK\x01\x02", index + 4)
    with pytest.raises(ParseError, match="encrypted"):
        reader.read_bytes(bytes(data))


def test_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = b"<w:document>" + b" " * (51 * 2**20) + b"</w:document>"
    data = _replace_part(salon(), "word/document.xml", bomb)
    assert len(data) < 2**20  # small on disk
    started = time.perf_counter()
    with pytest.raises(ParseError, match="zip bomb"):
        reader.read_bytes(data)
    assert time.perf_counter() - started < 1


def test_empty_document_is_a_parse_error():
    with pytest.raises(ParseError, match="holds no text"):
        reader.read_bytes(saved(python_docx.Document()))


def test_damaged_bytes_give_a_document_or_a_parse_error():
    """Random byte damage anywhere in the file: python-docx and zipfile raise many kinds of
    errors on their own; none but ParseError may reach the importer."""
    original = salon()
    chance = random.Random(20240601)
    for _ in range(200):
        data = bytearray(original)
        for _ in range(chance.randint(1, 8)):
            data[chance.randrange(len(data))] = chance.randrange(256)
        with contextlib.suppress(ParseError):
            reader.read_bytes(bytes(data))


def test_damaged_parts_in_a_sound_zip_give_a_document_or_a_parse_error():
    """The same inside the parts (broken XML, a style or relationship gone wrong), where the
    zip itself is sound and the damage reaches python-docx and the reader."""
    with zipfile.ZipFile(io.BytesIO(salon())) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    names = ["word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"]
    names.append("[Content_Types].xml")
    chance = random.Random(7)
    read = 0
    for _ in range(80):
        name = chance.choice(names)
        data = bytearray(entries[name])
        for _ in range(chance.randint(1, 5)):
            at = chance.randrange(len(data))
            if chance.random() < 0.5:
                data[at] = chance.choice(b'<>/"=wpt0 :')
            else:
                del data[at : at + chance.randint(1, 30)]
        with contextlib.suppress(ParseError):
            reader.read_bytes(_zip({**entries, name: bytes(data)}))
            read += 1
    assert read > 3  # some damage is harmless, and those files still read


def test_deeply_nested_tables_read_or_refuse():
    document = python_docx.Document()
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    for _ in range(30):
        cell = cell.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.text = "最里面的话"
    assert [b.text for b in blocks_of(saved(document))] == ["最里面的话"]
    for _ in range(60):  # past libxml2's depth limit: refused, not a crash
        cell = cell.add_table(rows=1, cols=1).rows[0].cells[0]
    with pytest.raises(ParseError):
        reader.read_bytes(saved(document))


def test_large_document_reads_in_reasonable_time():
    document = python_docx.Document()
    sentence = "我觉得这个问题要从数据、算力和算法三个方面来看，不能只看一个方面。" * 3
    for number in range(3000):
        turn(document, f"嘉宾{number % 7}：", sentence)
    data = saved(document)
    started = time.perf_counter()
    blocks = blocks_of(data)
    elapsed = time.perf_counter() - started
    assert len(blocks) == 3000
    assert all(b.lead.startswith("嘉宾") for b in blocks)
    assert elapsed < 10, f"{elapsed:.1f}s for {sum(len(b.text) for b in blocks)} characters"


def test_styles_xml_is_read_through_qn_names():
    """A document whose styles part lacks the usual built-ins (as other generators write
    them) still reads, with the default paragraph style."""
    data = _replace_part(salon(), "word/styles.xml", f"<w:styles {nsdecls('w')}/>".encode())
    blocks = blocks_of(data)
    assert blocks[2].lead == "主持人："
    assert qn("w:p")  # the namespace helper the reader relies on


# --- end to end: the importer's own loader, through the label stage and the assembler -------


def test_salon_imports_with_the_right_speakers_and_turns():
    """The Word shape of ../shared/samples/shapes (expected.json's generated.docx)."""
    [transcript] = load(salon())
    assert transcript.format == "docx"
    assert transcript.title == "科普写作沙龙实录"
    assert transcript.date == datetime.date(2024, 6, 1)
    assert {s.name: s.role for s in transcript.speakers} == {
        "主持人": "host",
        "吴桐": "guest",
        "郑岚": "guest",
    }
    assert [t.speaker for t in transcript.turns] == ["主持人", "吴桐", "主持人", "郑岚", "吴桐"]
    assert transcript.turns[1].text.endswith("这是要警惕的。")  # the unlabelled paragraph
    assert not any("小周" in t.text for t in transcript.turns)
    assert ("摄影：小周", 8) in [(d.text, d.line) for d in transcript.dropped]


def test_soft_broken_labels_and_speaker_tables_import_as_turns():
    document = python_docx.Document()
    paragraph = turn(document, "主持人：", "请两位先做个介绍。")
    for label, text in (("吴桐：", "我是写科普的。"), ("郑岚：", "我是编辑。")):
        paragraph.runs[-1].add_break()
        paragraph.add_run(label).bold = True
        paragraph.add_run(text)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows, [("发言人", "内容"), ("主持人", "好，开始。"), ("吴桐", "好的。")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = cells
    [transcript] = load(saved(document))
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("主持人", "请两位先做个介绍。"),
        ("吴桐", "我是写科普的。"),
        ("郑岚", "我是编辑。"),
        ("主持人", "好，开始。"),
        ("吴桐", "好的。"),
    ]
    assert [d.reason for d in transcript.dropped] == ["table header row"]


def test_damaged_docx_through_the_loader_is_a_parse_error():
    with pytest.raises(ParseError, match="truncated or corrupt"):
        load(salon()[:5000])


def test_an_embedded_altchunk_document_is_reported_not_lost():
    document = python_docx.Document()
    turn(document, "甲：", "一")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="rId77"/>'))
    result = reader.read_bytes(saved(document))
    assert [b.text for b in result.blocks] == ["甲：一"]
    assert [(d.line, d.reason.split(":")[0]) for d in result.dropped] == [
        (1, "an embedded document (altChunk)")
    ]
