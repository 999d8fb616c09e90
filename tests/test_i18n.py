"""The English interface under /en/: interface strings are translated, transcripts stay in
Chinese, the two languages link to each other, and the committed catalog (locale/en) is complete
and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from transcripts.models import Participation, Speaker

from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "locale" / "en" / "LC_MESSAGES"
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
QUOTE = EVENT + "q/1/"
PAGES = ["/", EVENT, QUOTE, "/speakers/", "/tags/"]
NAV = ("Skip to content", ">Events</a>", ">Speakers</a>", ">Tags</a>", "Yan Salon")
CHINESE_NAV = ("跳到正文", ">活动</a>", ">发言人</a>", ">标签</a>", "盐沙龙")


@pytest.fixture(autouse=True)
def demo():
    cache.clear()  # the event page is cached per language; start every test cold
    return import_demo()


def page(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    return response.content.decode()


# The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_have_an_english_interface(client, path):
    html = page(client, "/en" + path)
    assert '<html lang="en">' in html
    for label in NAV:
        assert label in html, label
    assert "跳到正文" not in html
    assert ">发言人</a>" not in html


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_stay_chinese(client, path):
    html = page(client, path)
    assert '<html lang="zh-hans">' in html
    for label in CHINESE_NAV:
        assert label in html, label
    for english in ("Skip to content", "Main navigation", "Copy link", "See in full transcript"):
        assert english not in html


def test_the_unprefixed_site_is_chinese_whatever_the_browser_asks_for(client):
    html = page(client, "/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in html
    assert "跳到正文" in html and "Skip to content" not in html


def test_english_event_page_translates_the_interface_not_the_transcript(client):
    html = page(client, "/en" + EVENT)
    assert "<h1>大模型训练和进化之路</h1>" in html
    assert "尤老师和刘老师都是学者" in html
    for label in ("Transcript", "Contents", "Who said how much", "Filter quotes", "Characters"):
        assert label in html, label
    assert "实录</h2>" not in html and "目录" not in html


def test_english_quote_page(client):
    html = page(client, "/en" + QUOTE)
    assert "尤老师和刘老师都是学者" in html  # the quote itself is never translated
    for label in ("Copy link", "Copy citation", "See in full transcript", "Cite"):
        assert label in html, label
    assert "复制链接" not in html and "在全文中查看" not in html


def test_the_chinese_quote_page(client):
    html = page(client, QUOTE)
    assert "尤老师和刘老师都是学者" in html
    assert "复制链接" in html and "在全文中查看" in html


# Problems reported by the filters ----------------------------------------------------------


def test_an_unknown_speaker_is_explained_in_english(client):
    html = page(client, "/en" + EVENT + "?speaker=nobody")
    assert "No such speaker at this event: nobody" in html
    assert "本场没有这位发言人" not in html


def test_an_unknown_speaker_is_explained_in_chinese(client):
    html = page(client, EVENT + "?speaker=nobody")
    assert "本场没有这位发言人:nobody" in html
    assert "No such speaker" not in html


@pytest.mark.parametrize(
    ("query", "english", "chinese"),
    [
        ("?topic=999", "This event has no topic 999", "本场没有第 999 个话题"),
        ("?tag=nope", "No such tag at this event: nope", "本场没有标签:nope"),
        ("?topic=abc", "The topic must be a number (1, 2, 3…)", "话题应当是一个编号(1、2、3…)"),
    ],
)
def test_other_event_filter_problems_in_both_languages(client, query, english, chinese):
    assert english in page(client, "/en" + EVENT + query)
    assert chinese in page(client, EVENT + query)


def test_speaker_page_problems_in_english(client):
    speaker = Speaker.objects.order_by("slug").first()
    url = f"/en/speakers/{speaker.slug}/"
    html = page(client, url + "?event=nope")
    assert f"{speaker.name} did not take part in the event nope" in html
    assert "没有参加活动" not in html
    assert f"{speaker.name} 没有参加活动:nope" in page(client, url[3:] + "?event=nope")
    # with two events, a topic number means nothing until an event is chosen
    Participation.objects.create(event=make_event(slug="second-event", quotes=5), speaker=speaker)
    html = page(client, url + "?topic=1")
    assert "To filter by topic, choose an event first" in html
    assert "按话题筛选时请先选择活动" in page(client, url[3:] + "?topic=1")


# The two languages link to each other ------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_to_its_twin(client, path):
    chinese = page(client, path)
    english = page(client, "/en" + path)
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{path}">' in chinese
    assert f'hreflang="zh-hans" href="http://testserver{path}">' in english
    # the visible language switch, too
    assert f'<a href="http://testserver/en{path}" hreflang="en" lang="en">English</a>' in chinese
    assert f'<a href="http://testserver{path}" hreflang="zh-hans" lang="zh-hans">' in english


# Plurals -----------------------------------------------------------------------------------


def test_plural_forms(client):
    make_event(slug="tiny", title="小活动", quotes=1, speakers=1, parts=1, topics_per_part=1)
    english = page(client, "/en/")
    assert re.search(r"(?<!\d)70 quotes\b", english)
    assert re.search(r"\b1 quote\b(?!s)", english)  # the tiny event: singular
    assert not re.search(r"\b1 quotes\b", english)
    chinese = page(client, "/")
    assert re.search(r"(?<!\d)70 段发言", chinese) and re.search(r"(?<!\d)1 段发言", chinese)
    assert "quote" not in chinese


def test_filtered_count_is_pluralised(client):
    html = page(client, "/en" + EVENT + "?topic=1")
    assert re.search(r"\d+ of 70 quotes match\b", html)


def test_english_feed(client):
    response = client.get("/en/feed/")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "Yan Salon · Latest event transcripts" in xml
    assert "Newly published transcripts of salons and panel discussions" in xml
    assert "大模型训练和进化之路" in xml
    chinese = client.get("/feed/").content.decode()
    assert "盐沙龙 · 最新活动实录" in chinese and "Yan Salon" not in chinese


# The catalog itself ------------------------------------------------------------------------


def po_entries(path: Path) -> list[dict]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[n] and flags of every entry."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if isinstance(key, int):
                    entry["msgstr"][key] += value
                else:
                    entry[key] += value
            else:
                keyword, value = line.split(" ", 1)
                match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
                if match:
                    key = int(match.group(1) or 0)
                    entry["msgstr"][key] = ast.literal_eval(value)
                else:
                    key = keyword
                    entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    entries = po_entries(MESSAGES / "django.po")
    assert entries[0]["msgid"] == ""  # the header
    return entries[1:]


def test_every_message_is_translated(catalog):
    assert len(catalog) > 50
    for entry in catalog:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        forms = 2 if "msgid_plural" in entry else 1
        assert sorted(entry["msgstr"]) == list(range(forms)), entry["msgid"]
        for text in entry["msgstr"].values():
            assert text.strip(), f"untranslated: {entry['msgid']!r}"
            assert not re.search(r"[\u4e00-\u9fff]", text), f"Chinese left in {text!r}"


def test_translations_keep_every_placeholder(catalog):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in catalog:
        expected = sorted(placeholder.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            assert sorted(placeholder.findall(text)) == expected, entry["msgid"]


def test_the_compiled_catalog_matches_the_po_file(catalog):
    with (MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == "en"
    for entry in catalog:
        msgid = entry["msgid"]
        if "msgid_plural" in entry:
            plural = entry["msgid_plural"]
            assert compiled.ngettext(msgid, plural, 1) == entry["msgstr"][0], msgid
            assert compiled.ngettext(msgid, plural, 2) == entry["msgstr"][1], msgid
        else:
            assert compiled.gettext(msgid) == entry["msgstr"][0], msgid


def template_messages() -> set[str]:
    """The msgids `makemessages` finds in simple `{% translate %}` / `{% blocktranslate %}` tags."""
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        found |= set(re.findall(r'\{% (?:translate|trans) "([^"]+)"', text))
        for body in re.findall(
            r"\{% (?:blocktranslate|blocktrans)\b[^%]*%\}(.*?)\{% (?:plural|endblocktranslate|"
            r"endblocktrans) %\}",
            text,
            flags=re.S,
        ):
            found.add(re.sub(r"\{\{ *(\w+) *\}\}", r"%(\1)s", body))
    return found


def python_messages() -> set[str]:
    found = set()
    for source in (ROOT / "transcripts").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'\b(?:gettext|gettext_lazy|_)\(\s*"([^"]+)"', text))
    return found


def test_the_catalog_is_up_to_date_with_the_code(catalog):
    """A new or changed interface string needs `makemessages`, a translation and
    `compilemessages` (see locale/en/LC_MESSAGES)."""
    known = {entry["msgid"] for entry in catalog}
    wanted = template_messages() | python_messages()
    assert wanted, "no interface strings found"
    assert sorted(wanted - known) == []
