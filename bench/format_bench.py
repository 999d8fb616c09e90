"""How fast each transcript format parses, and how much memory a 50 MB transcript takes.

Issue 6 asks that a 50 MB transcript import with bounded memory. For each format (zhihu,
markdown, bold, plaintext, dense plain text with no blank line, subtitles, json) this generates
a realistic transcript of about 50 MB from the seed's own sentences (fixed random seed; six
speakers, parts and labels in that format's syntax), writes it to a temporary file and, in a
fresh subprocess of the same python per format, times `transcripts.parsing.load(bytes)` (decode,
detect, parse; no database), then parses again under `tracemalloc`. Prints characters per second
and peak memory: Python allocations (tracemalloc) and resident-set growth (`resource.getrusage`)
over the file's bytes already read. Goal: peak memory well under 10x the file size. Then times
the full import (`event_import`, search indexing included) of one smaller generated Zhihu dump
into a throwaway database. Before the big run each format is probed at two small sizes; a parser
whose time would blow the budget is measured at the largest size that fits, and the table says
so.

    DJANGO_DEBUG=1 .venv/bin/python bench/format_bench.py [--mb 50] [--import-mb 5]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file. About two and a half minutes on two cores. The end-to-end figure for a
50 MB file (`manage.py import_event`: peak resident memory and characters per second) takes
minutes of its own: bench/import_memory.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "demo-event-raw.txt"
FORMATS = ("zhihu", "markdown", "bold", "plaintext", "dense", "subtitles", "json")
# Bold labels are a way of writing Markdown, read by the Markdown reader; "dense" is plain text
# with no blank line at all.
DETECTED_AS = {"bold": "markdown", "dense": "plaintext"}
MB = 1_000_000
MEMORY_GOAL = 10  # peak memory / file size
PARSE_BUDGET_S = 40  # per format and per parse; a slower parser is measured at a smaller size
RANDOM_SEED = 20240518

# Six speakers: the seed's guests, its host and the audience.
SPEAKERS = (
    ("溪亭日暮", "主持人", "host", "CCF 杰出会员,科技盐究员,人工智能话题优秀答主"),
    ("刘知远", "", "guest", "清华大学计算机系长聘副教授,面壁智能联合创始人"),
    ("杨军", "", "guest", "英伟达 AI 计算架构技术总监"),
    ("尤洋", "", "guest", "新加坡国立大学校长青年教授,潞晨科技创始人"),
    ("张俊林", "", "guest", "新浪微博新技术研发负责人"),
    ("观众", "", "audience", ""),
)
HANDLES = {
    "溪亭日暮": "溪亭日暮",
    "刘知远": "zibuyu9",
    "杨军": "杨军",
    "尤洋": "尤洋",
    "张俊林": "张俊林",
}
PART_TITLES = (
    "从业者的感悟",
    "行业现象与技术水平",
    "发展方向与落地选择",
    "开源与闭源",
    "数据从哪里来",
    "算力与成本",
    "人才与团队",
    "观众问答",
)
TOPIC_TITLES = ("国内大模型的水平", "大模型的边界在哪里", "重构还是融合", "如何保持跟进")
QUESTIONS = ("小公司如何上线大模型", "学生应该学什么", "多模态什么时候成熟")
STAGE = ("（笑）", "（掌声）", "（观众鼓掌）")


# --- generation -------------------------------------------------------------------------


def seed_sentences() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from transcripts.parsing import load

    (seed,) = load(SEED.read_bytes())
    sentences = []
    for turn in seed.turns:
        sentences += [s.strip() for s in re.findall(r"[^。！？]+[。！？]?", turn.text) if s.strip()]
    return sentences


def script(target_chars: int, sentences: list[str], rng: random.Random):
    """The event as plain data, shared by every format so they carry the same kind of text:
    a list of parts, each a list of (topic or None, [(speaker index, [paragraphs])])."""
    parts_count = 40
    per_part = target_chars // parts_count
    parts = []
    for number in range(1, parts_count + 1):
        chars, sections, section = 0, [], (None, [])
        last = None
        while chars < per_part:
            if rng.random() < 0.004:
                section = (rng.choice(TOPIC_TITLES + QUESTIONS), [])
                sections.append(section)
            elif not sections:
                sections.append(section)
            speaker = 0 if last != 0 and rng.random() < 0.3 else rng.randrange(1, 6)
            if speaker == last:
                speaker = (speaker % 5) + 1
            last = speaker
            paragraphs = [
                "".join(rng.choice(sentences) for _ in range(rng.randint(1, 4)))
                for _ in range(rng.choice((1, 1, 1, 2, 3)))
            ]
            if rng.random() < 0.03:
                paragraphs[-1] += rng.choice(STAGE)
            section[1].append((speaker, paragraphs))
            chars += sum(map(len, paragraphs)) + 8
        parts.append((PART_TITLES[(number - 1) % len(PART_TITLES)], sections))
    return parts


def turns_of(parts):
    """(part number, part title, topic title or None, speaker index, paragraphs) in order."""
    for number, (part_title, sections) in enumerate(parts, start=1):
        for topic, turns in sections:
            for speaker, paragraphs in turns:
                yield number, part_title, topic, speaker, paragraphs


def numeral(number: int) -> str:
    from transcripts.parsing.vocabulary import chinese_numeral

    return chinese_numeral(number)


def first_label(speaker: int, seen: set[int]) -> str:
    """`名（主持人）` the first time a speaker with a role speaks, `名` after."""
    name, role, _, _ = SPEAKERS[speaker]
    if role and speaker not in seen:
        seen.add(speaker)
        return f"{name}（{role}）"
    return name


def as_zhihu(parts) -> str:
    guests = "".join(
        f"{'主持人 ' if role == 'host' else ''}@{HANDLES[name]} "
        f"{name if HANDLES[name] != name else ''}:{bio}".replace(" :", " :")
        for name, _, role, bio in SPEAKERS
        if role != "audience"
    )
    body = [
        "近日,知乎科技举办 AI 盐沙龙,邀请行业嘉宾进行主题演讲和圆桌讨论,"
        "现整理发布圆桌部分的图文实录,分享给各位知友共同交流。嘉宾介绍",
        guests,
    ]
    part_seen, topic_seen, q = None, None, 0
    for number, part_title, topic, speaker, paragraphs in turns_of(parts):
        if number != part_seen:
            body.append(f"{numeral(number)}、{part_title}")
            part_seen, topic_seen = number, None
        if topic and topic != topic_seen:
            if topic in QUESTIONS:
                q += 1
                body.append(f"Q{q}:{topic}")
            else:
                body.append(topic)
            topic_seen = topic
        label = "主持人" if speaker == 0 else SPEAKERS[speaker][0]
        body.append(f"{label}:{''.join(paragraphs)}")
    body.append("来源:知乎 https://zhuanlan.zhihu.com/p/000000")
    chars = sum(map(len, body))
    return (
        "大模型训练和进化之路|AI 盐沙龙实录\n\n"
        f"原文约{chars}字,阅读约需{chars // 400}分钟。发表于:2023-06-01\n\n" + "".join(body) + "\n"
    )


def as_markdown(parts) -> str:
    out = [
        "# 2023年6月1日 大模型训练和进化之路\n",
        "本场沙龙由知乎科技主办，以下为现场文字整理。\n",
    ]
    seen: set[int] = set()
    part_seen, topic_seen, q = None, None, 0
    for number, part_title, topic, speaker, paragraphs in turns_of(parts):
        if number != part_seen:
            out.append(f"## {numeral(number)}、{part_title}\n")
            part_seen, topic_seen = number, None
        if topic and topic != topic_seen:
            if topic in QUESTIONS:
                q += 1
                out.append(f"### Q{q}：{topic}\n")
            else:
                out.append(f"### {topic}\n")
            topic_seen = topic
        out.append(f"### {first_label(speaker, seen)}：\n" + "\n\n".join(paragraphs) + "\n")
        if paragraphs[-1].endswith("）") and len(out) % 2:
            out.append("> （掌声）\n")
    return "\n".join(out)


def as_bold(parts) -> str:
    lines = [
        "---",
        "title: 大模型训练和进化之路",
        "date: 2023-06-01",
        "series: AI 盐沙龙",
        "speakers:",
    ]
    for name, _, role, bio in SPEAKERS[:-1]:
        lines += [f"  - name: {name}", f"    role: {role}", f"    bio: {bio}"]
    lines += ["---", ""]
    part_seen, topic_seen = None, None
    for index, (number, part_title, topic, speaker, paragraphs) in enumerate(turns_of(parts)):
        if number != part_seen:
            lines += [f"## {numeral(number)}、{part_title}", ""]
            part_seen, topic_seen = number, None
        if topic and topic != topic_seen:
            lines += [f"### {topic}", ""]
            topic_seen = topic
        name = SPEAKERS[speaker][0]
        style = index % 3
        if style == 0:
            lines.append(f"**{name}**：{paragraphs[0]}")
        elif style == 1:
            lines.append(f"**{name}：**{paragraphs[0]}")
        else:
            lines += [f"**{name}**：", "", paragraphs[0]]
        for paragraph in paragraphs[1:]:
            lines += ["", paragraph]
        lines.append("")
    lines.append("编辑：知乎科技")
    return "\n".join(lines) + "\n"


def as_plaintext(parts) -> str:
    out = ["2023-06-01 大模型训练和进化之路", "", "本文整理自 AI 盐沙龙圆桌讨论现场。", ""]
    seen: set[int] = set()
    part_seen = None
    for number, part_title, _topic, speaker, paragraphs in turns_of(parts):
        if number != part_seen:
            out += [f"{numeral(number)}、{part_title}", ""]
            part_seen = number
        out += [f"{first_label(speaker, seen)}：{paragraphs[0]}", ""]
        for paragraph in paragraphs[1:]:
            out += [paragraph, ""]
    out += ["摄影：王小明", "来源：知乎科技"]
    return "\n".join(out) + "\n"


def as_dense(parts) -> str:
    """Plain text with no blank line anywhere and every turn on one line (each paragraph of a
    turn run together): the shape whose parse time once grew with the square of its length."""
    out = ["2023-06-01 大模型训练和进化之路", "本文整理自 AI 盐沙龙圆桌讨论现场。"]
    seen: set[int] = set()
    for _number, _title, _topic, speaker, paragraphs in turns_of(parts):
        out.append(f"{first_label(speaker, seen)}：{''.join(paragraphs)}")
    return "\n".join(out) + "\n"


def as_subtitles(parts) -> str:
    """SRT with `名：` on the first cue of a turn; one sentence per cue (no parts: SRT has none)."""
    out, cue, ms = [], 0, 500
    for _number, _title, _topic, speaker, paragraphs in turns_of(parts):
        sentences = re.findall(r"[^。！？]+[。！？]?", "".join(paragraphs))
        for index, sentence in enumerate(sentences):
            cue += 1
            start, ms = ms, ms + 1500 + 120 * len(sentence)
            text = f"{SPEAKERS[speaker][0]}：{sentence}" if index == 0 else sentence
            out.append(f"{cue}\n{srt_time(start)} --> {srt_time(ms)}\n{text}\n")
    return "\n".join(out)


def srt_time(ms: int) -> str:
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02}:{minutes:02}:{seconds:02},{ms:03}"


def as_json(parts) -> str:
    from transcripts.parsing import Part, Speaker, Topic, Transcript, Turn, json_export

    speakers = tuple(
        Speaker(name=name, role=role, bio=bio, slug=f"speaker-{i}")
        for i, (name, _, role, bio) in enumerate(SPEAKERS, start=1)
    )
    part_list, topics, turns = [], [], []
    topic_key = None
    for number, part_title, topic, speaker, paragraphs in turns_of(parts):
        if not part_list or part_list[-1].number != number:
            part_list.append(Part(number, part_title))
        if topic and (number, topic) != topic_key:
            label = f"Q{sum(t.label != '' for t in topics) + 1}" if topic in QUESTIONS else ""
            topics.append(Topic(len(topics) + 1, topic, number, label))
            topic_key = (number, topic)
        turns.append(
            Turn(
                number=len(turns) + 1,
                speaker=SPEAKERS[speaker][0],
                text="\n\n".join(paragraphs),
                part=number,
                topic=topics[-1].number if topic and topics else None,
            )
        )
    transcript = Transcript(
        title="大模型训练和进化之路",
        slug="llm-salon",
        series="AI 盐沙龙",
        date=datetime.date(2023, 6, 1),
        speakers=speakers,
        parts=tuple(part_list),
        topics=tuple(topics),
        turns=tuple(turns),
    )
    return json.dumps(json_export.dump(transcript), ensure_ascii=False, indent=2)


WRITERS = {
    "zhihu": as_zhihu,
    "markdown": as_markdown,
    "bold": as_bold,
    "plaintext": as_plaintext,
    "dense": as_dense,
    "subtitles": as_subtitles,
    "json": as_json,
}


def generate(fmt: str, megabytes: float, sentences: list[str], folder: Path) -> Path:
    """A file of about `megabytes` MB (UTF-8) in `fmt`; the same seed always gives the same file."""
    target_chars = int(megabytes * MB / 2.9)  # mostly CJK: about three bytes a character
    data = b""
    for _ in range(2):  # the second pass corrects for the format's markup and the ASCII
        data = WRITERS[fmt](script(target_chars, sentences, random.Random(RANDOM_SEED)))
        data = data.encode("utf-8")
        target_chars = int(target_chars * megabytes * MB / len(data))
    path = folder / f"{fmt}-{megabytes:g}mb.txt"
    path.write_bytes(data)
    return path


# --- measurement (in a fresh subprocess per format) ----------------------------------------


def current_rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def measure(path: str, fmt: str, traced: bool) -> None:
    """Run in a child: parse the file once timed (resident-set growth), then once under
    tracemalloc. Prints one JSON line."""
    import gc
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from transcripts.parsing import load

    data = Path(path).read_bytes()
    gc.collect()
    rss_before = current_rss_kb()
    start = time.perf_counter()
    transcripts = load(data)
    seconds = time.perf_counter() - start
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    found = {t.format for t in transcripts}
    turns = sum(len(t.turns) for t in transcripts)
    del transcripts
    gc.collect()
    traced_peak = None
    if traced:
        tracemalloc.start()
        load(data)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(
        json.dumps(
            {
                "format": fmt,
                "detected": sorted(found),
                "bytes": len(data),
                "chars": len(data.decode("utf-8")),
                "turns": turns,
                "seconds": seconds,
                "rss_growth": max(0, rss_peak - rss_before) * 1024,
                "traced_peak": traced_peak,
            }
        )
    )


def run_child(path: Path, fmt: str, traced: bool) -> dict:
    command = [sys.executable, __file__, "--measure", str(path), fmt]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{fmt}: the measurement failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pick_size(fmt: str, wanted: float, sentences, folder: Path) -> tuple[float, str]:
    """Probe at 1 and 4 MB; from the growth between them, the largest size (up to `wanted`)
    whose parse should fit the budget, and a note when that is less than wanted."""
    probes = []
    for megabytes in (1, 4):
        path = generate(fmt, megabytes, sentences, folder)
        probes.append(run_child(path, fmt, traced=False))
        path.unlink()
    small, big = probes
    exponent = max(1.0, _log(big["seconds"] / max(small["seconds"], 1e-6), 4))
    predicted = big["seconds"] * (wanted / 4) ** exponent
    if predicted <= PARSE_BUDGET_S:
        return wanted, ""
    size = 4 * (PARSE_BUDGET_S / big["seconds"]) ** (1 / exponent)
    size = max(4.0, min(wanted, round(size)))
    note = (
        f"{fmt}: 1 MB in {small['seconds']:.2f} s, 4 MB in {big['seconds']:.2f} s "
        f"(time grows as size^{exponent:.1f}); {wanted:g} MB would take about "
        f"{predicted:.0f} s, so measured at {size:g} MB instead"
    )
    return size, note


def _log(value: float, base: float) -> float:
    import math

    return math.log(value, base) if value > 0 else 0.0


# --- the full import ----------------------------------------------------------------------


def time_import(path: Path) -> tuple[int, int, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="format-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from transcripts import segmentation
    from transcripts.event_import import event_import
    from transcripts.parsing import load

    # The import's tokenizer (its own jieba.Tokenizer with the domain terms, not jieba's global
    # one) loads its dictionary once per process: not part of an import.
    segmentation.tokenizer()
    data = path.read_bytes()
    start = time.perf_counter()
    (transcript,) = load(data)
    result = event_import(transcript=transcript)
    seconds = time.perf_counter() - start
    return len(data.decode("utf-8")), result.quotes, seconds


# --- report ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="size of each generated transcript")
    parser.add_argument("--import-mb", type=float, default=5, help="size of the imported one")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--measure", nargs=2, metavar=("PATH", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure, traced=args.traced)
        return

    began = time.perf_counter()
    sentences = seed_sentences()
    folder = Path(tempfile.mkdtemp(prefix="format-bench-"))
    print(
        f"{len(sentences)} seed sentences, random seed {RANDOM_SEED}; "
        f"{args.mb:g} MB per format, one fresh process each"
    )
    header = (
        f"{'format':<10} {'MB':>6} {'chars':>11} {'turns':>8} {'s':>7} "
        f"{'MB/s':>6} {'chars/s':>10} {'peak MB':>8} {'RSS MB':>7} {'x size':>7}"
    )
    rows, notes = [], []
    for fmt in args.formats.split(","):
        size, note = pick_size(fmt, args.mb, sentences, folder)
        if note:
            notes.append(note)
        generated = time.perf_counter()
        path = generate(fmt, size, sentences, folder)
        generated = time.perf_counter() - generated
        row = run_child(path, fmt, traced=True)
        path.unlink()
        if row["detected"] != [DETECTED_AS.get(fmt, fmt)]:
            notes.append(f"{fmt}: detected as {row['detected']}")
        row["generated_s"] = generated
        rows.append(row)
        print(
            f"  {fmt}: generated {row['bytes'] / MB:.1f} MB in {generated:.1f} s, parsed",
            flush=True,
        )

    print(header)
    for row in rows:
        peak = max(row["traced_peak"], row["rss_growth"])
        row["ratio"] = peak / row["bytes"]
        print(
            f"{row['format']:<10} {row['bytes'] / MB:6.1f} {row['chars']:11,} {row['turns']:8,} "
            f"{row['seconds']:7.2f} {row['bytes'] / MB / row['seconds']:6.2f} "
            f"{row['chars'] / row['seconds']:10,.0f} {row['traced_peak'] / MB:8.0f} "
            f"{row['rss_growth'] / MB:7.0f} {row['ratio']:7.1f}"
        )
    for note in notes:
        print(f"note: {note}")
    worst = max(rows, key=lambda r: r["ratio"])
    print(
        f"memory: worst {worst['format']} at {worst['ratio']:.1f}x its file size "
        f"(goal < {MEMORY_GOAL}x): {'met' if worst['ratio'] < MEMORY_GOAL else 'NOT met'}"
    )

    path = generate("zhihu", args.import_mb, sentences, folder)
    chars, quotes, seconds = time_import(path)
    path.unlink()
    folder.rmdir()
    print(
        f"full import of a {args.import_mb:g} MB zhihu dump (parse, rows, search index): "
        f"{chars:,} characters, {quotes:,} quotes in {seconds:.1f} s "
        f"= {chars / seconds:,.0f} chars/s"
    )
    print(f"total {time.perf_counter() - began:.0f} s")
    figures = " ".join(f"{r['format']} {r['chars'] / r['seconds']:,.0f}" for r in rows)
    peak = max(max(r["traced_peak"], r["rss_growth"]) for r in rows) / MB
    sizes = sorted({round(r["bytes"] / MB) for r in rows})
    print(
        f"formats (chars/s): {figures}; peak memory {peak:.0f} MB for "
        f"{'/'.join(map(str, sizes))} MB ({worst['ratio']:.1f}x, goal < {MEMORY_GOAL}x); "
        f"import {chars / seconds:,.0f} chars/s"
    )


if __name__ == "__main__":
    main()
