"""Web pages (.html): the article of a saved page — a WeChat or Zhihu article, a blog post — as
blocks.

Why our own reading on lxml.html rather than trafilatura: trafilatura decides what is
boilerplate paragraph by paragraph and may silently leave out a short turn ("同意。") or a
bold label line, which for a transcript is a lost quote; it also discards the line numbers.
Here the article is one element, found by the platforms' own markup (WeChat `#js_content`,
Zhihu `.RichText`, `<article>`, `[itemprop=articleBody]`, `<main>`) or else as the smallest
element that holds 80% of the page's paragraph text. Everything inside it is read; everything
outside it is summarised in `Document.dropped`, one line per page region, so nothing is lost
without a word. Scripts, styles and comments are never read at all.

Decisions:
- `<br>` splits a paragraph into blocks with `gap=False` (two in a row leave a gap), as a
  soft break does in Word: web transcripts often put several speakers in one `<p>`, each line
  opening with its own bold label. In headings and captions a `<br>` stays "\\n".
- Bold (`<strong>`, `<b>`, `font-weight: bold/600+` as WeChat writes it) opening a block is its
  `lead`; `text` holds the whole block.
- Whitespace is collapsed as a browser does, except that a line break between two Chinese
  characters disappears (CSS Text's rule for Chinese), so Chinese text gains no spaces.
- Title: `og:title`, else the article's first `<h1>`, else `<title>` without a " - site"
  suffix, else the page's first `<h1>` (a blog's header <h1> is often its name). An `<h1>`
  inside the article is also a level-1 HEADING in reading order.
- Date: the publication date the page declares, unless the article opens with a date.
- `line` is the element's source line. libxml2's HTML parser stops counting at 65,535: later
  lines all read 65535 (the order of blocks stays right; a warning says so).
"""

from __future__ import annotations

import datetime
import re

import lxml.etree
import lxml.html

from . import dates
from .blocks import PARAGRAPH, Document
from .html_blocks import BlockWalker, normalize
from .transcript import Dropped, ParseError, ParseWarning

FORMAT = "html"

_DOCUMENT = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_BLOCK_TAG = re.compile(r"<(?:p|div|section|h[1-6]|li|blockquote|article|tr|td)\b[^>]*>", re.I)
_CLOSING_TAG = re.compile(r"</(?:p|div|section|h[1-6]|li|blockquote|article|tr|td)\s*>", re.I)
# Never text for a reader: their contents go nowhere, not even into the report.
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object")
_INVISIBLE += ("embed", "video", "audio", "canvas", "input", "link", "meta")
# Inside the article but not the transcript: reported in `dropped`.
_ASIDES = {"nav": "navigation", "aside": "a sidebar", "form": "a form", "button": "a button"}
_ASIDES |= {"select": "a form", "textarea": "a form", "footer": "a footer"}
_ARTICLE_PATHS = (  # (where, and whether it must hold a fair share of the page's text)
    ("//*[@id='js_content']", False),
    *(
        (f"//*[contains(concat(' ', @class, ' '), ' {name} ')]", False)
        for name in ("rich_media_content", "Post-RichText", "RichText")
    ),
    ("//*[@itemprop='articleBody']", True),
    # the body of a post as common publishing systems mark it (WordPress, news and university
    # CMSs: TRS, VSB), without the title, byline, share bar and prev/next links around it
    ("//*[@id='vsb_content' or contains(concat(' ', @class, ' '), ' TRS_Editor ')]", True),
    *(
        (f"//*[contains(concat(' ', @class, ' '), ' {name} ')]", True)
        for name in (
            *("entry-content", "post-content", "post-body", "article-content", "article-body"),
            *("article-text", "story-body"),
        )
    ),
    ("//article", True),
    ("//main", True),
    ("//*[@role='main']", True),
)
_REGIONS = (  # what a page region outside the article is, by its tag, id, class or role
    (re.compile(r"nav|menu|breadcrumb|toolbar|tabbar", re.I), "page navigation"),
    (re.compile(r"header|banner|topbar|masthead", re.I), "page header"),
    (re.compile(r"footer|copyright|contentinfo", re.I), "page footer"),
    (
        re.compile(r"^aside$|sidebar|side-bar|complementary|widget|related|recommend", re.I),
        "sidebar",
    ),
    (re.compile(r"comment|reply", re.I), "comments"),
    (re.compile(r"^form$", re.I), "a form"),
)
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:(?:audio|video|media|podcast)?-?player|share|sharing|social|subscribe"
    r"|subscription|newsletter|cookie|consent|gdpr|like|toolbar)(?:$|[\s_-])",
    re.I,
)
_TRANSCRIPT_WORD = re.compile(
    r"transcript|文字稿|逐字稿|文字版|文字实录|文字實錄|全文|实录|實錄|字幕", re.I
)
_WIDGET_MAX = 300  # characters: a widget is short
_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate")
_DATE_KEYS += ("publishdate", "publish_date", "date", "dc.date", "dcterms.created")
_SITE_SUFFIX = re.compile(r"\s+[-|–—_]\s+[^-|–—_]{1,30}$")
_SUMMARY = 200  # characters of a dropped region shown in the report
_LAST_LINE = 65535  # libxml2's HTML parser counts lines up to this


def looks_like(text: str) -> bool:
    """An HTML document (doctype, <html>, <head> or <body> first), or a fragment dense in
    block tags: most of its lines open a <p>, <div>, <li>... and most of those are closed (a
    Markdown file with a few inline tags, or a <br> ending every line, or text that talks
    about tags, is not one)."""
    head = text[:65536]
    if _DOCUMENT.match(head):
        return True
    tags = len(_BLOCK_TAG.findall(head))
    closed = len(_CLOSING_TAG.findall(head))
    lines = sum(1 for line in head.splitlines() if line.strip())
    return tags >= 3 and closed >= tags / 2 and tags >= lines / 2


def read(text: str) -> Document:
    """The article of a web page as blocks, with what the page declares about it."""
    root = _parse(text)
    body = root.find("body")
    for element in [*(body.iter(*_INVISIBLE) if body is not None else ())]:
        element.drop_tree()
    if body is None or not "".join(body.itertext()).strip():
        raise ParseError("the page has no text in its body")
    article = _article(body)
    meta = _meta(root)
    title = _title(root, meta, article)
    dropped = _outside(article, title) + _drop_asides(article, whole_page=article is body)
    walker = BlockWalker(article, _transcript_box(article))
    walker.walk()
    dropped += walker.dropped + _after_box(walker)
    if not walker.blocks:
        raise ParseError("the page's article holds no text")
    return Document(
        tuple(walker.blocks),
        FORMAT,
        title=title,
        date=_published(meta, article, body, walker.blocks),
        source_name=meta.get("og:site_name", ""),
        source_url=meta.get("og:url") or _canonical(root),
        dropped=tuple(sorted(dropped, key=lambda item: item.line)),
        warnings=_line_warning(walker.blocks),
    )


def _parse(text: str):
    """The page's tree. A page too deep for libxml2 (it stops, leaving out the rest) is
    refused rather than read in part."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True
    )
    data = text.replace("\x00", "").encode("utf-8", "replace")
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ParseError(f"cannot read the page as HTML: {exc}") from None
    for error in parser.error_log:
        if error.level != lxml.etree.ErrorLevels.FATAL:
            continue
        if "depth" in error.message:
            raise ParseError(
                f"the page nests its elements too deeply (past line {error.line}): refused "
                "rather than read in part"
            )
        raise ParseError(f"cannot read the page as HTML: {error.message} (line {error.line})")
    return root


def _length(element) -> int:
    return int(element.xpath("string-length(normalize-space())"))


def _article(body):
    """The element that holds the article: the platforms' own markup first, then the
    generic article elements when they hold a quarter of the page's text, then the smallest
    element holding 80% of the paragraph text, then the whole body."""
    total = _length(body)
    for path, needs_share in _ARTICLE_PATHS:
        found = body.xpath(f".{path}")
        if found:
            best = max(found, key=_length)
            if _length(best) and (not needs_share or _length(best) >= total / 4):
                return best
    scores: dict = {}
    for paragraph in body.iter("p"):
        size = len(paragraph.text_content().strip())
        for ancestor in paragraph.iterancestors() if size else ():
            scores[ancestor] = scores.get(ancestor, 0) + size
            if ancestor is body:
                break
    node = body
    while scores:
        inner = [child for child in node if scores.get(child, 0) >= 0.8 * scores.get(body, 0)]
        if not inner:
            break
        node = inner[0]
    return node


def _transcript_box(article):
    """The element the page itself marks as the transcript: a `<details>` whose `<summary>`
    says so (`Show transcript`, `展开文字稿`), or an element of class or id `transcript`, when
    it holds half the article's text; None when there is none."""
    marked = [
        box
        for box in article.iter("details")
        if _TRANSCRIPT_WORD.search(normalize(box.findtext("summary") or ""))
    ]
    marked += article.xpath(
        ".//*[contains(concat(' ', @class, ' '), ' transcript ') or @id='transcript']"
    )
    total = _length(article)
    large = [box for box in marked if _length(box) * 2 >= total]
    return max(large, key=_length) if large else None


def _after_box(walker: BlockWalker) -> list[Dropped]:
    """What follows the page's transcript box (the post's closing words, its share bar) is not
    the transcript's last speaker going on: taken out of the blocks, and reported."""
    if walker.box_end is None:
        return []
    after, walker.blocks[walker.box_end :] = walker.blocks[walker.box_end :], []
    reason = "after the page's transcript box"
    return [Dropped(block.line, _clip(block.text), reason) for block in after if block.text]


def _outside(article, title: str) -> list[Dropped]:
    """One `Dropped` per page region around the article (and for loose text), walking up
    from the article to <body>."""
    found: list[Dropped] = []
    node = article
    while node.tag != "body" and node.getparent() is not None:
        parent = node.getparent()
        loose = [(parent.text, parent.sourceline)] + [(c.tail, c.sourceline) for c in parent]
        for text, line in loose:
            if text and text.strip():
                found.append(Dropped(line or 1, _clip(text), "page text outside the article"))
        for sibling in parent:
            summary = "" if sibling is node else _summary(sibling)
            if summary:
                found.append(Dropped(sibling.sourceline or 1, summary, _region(sibling, title)))
        node = parent
    return found


def _region(element, title: str) -> str:
    if title and normalize(element.text_content()) == title:
        return "the page's title, outside the article"
    hints = (element.tag, element.get("id", ""), element.get("class", ""), element.get("role", ""))
    for pattern, name in _REGIONS:
        if any(pattern.search(hint) for hint in hints if hint):
            return f"{name} outside the article"
    return "page text outside the article"


def _drop_asides(article, *, whole_page: bool) -> list[Dropped]:
    """Navigation, sidebars, forms and footers inside the article (and the page header when
    the article is the whole page): taken out before reading, and reported (the outermost
    of nested ones only)."""
    asides = {**_ASIDES, "header": "a header"} if whole_page else _ASIDES
    where = "on the page" if whole_page else "inside the article"
    taken: set = set()
    found: list[Dropped] = []
    for element in list(article.iter()):
        name = asides.get(element.tag) or _widget(element)
        if not name or element is article or any(a in taken for a in element.iterancestors()):
            continue
        taken.add(element)
        summary = _summary(element)
        if summary:
            found.append(Dropped(element.sourceline or 1, summary, f"{name} {where}"))
    for element in taken:
        element.drop_tree()
    return found


def _widget(element) -> str:
    """A media player, share bar, subscribe box or cookie notice, by its class or id: short
    page furniture that sits between an article's paragraphs (its duration, `Download`, `Share`
    would read as a timed label or a line of speech). A long element is never one."""
    if not isinstance(element.tag, str):
        return ""
    hint = f"{element.get('class', '')} {element.get('id', '')}"
    if not _WIDGET.search(hint) or _length(element) > _WIDGET_MAX:
        return ""
    return "a player or share widget"


def _summary(element) -> str:
    """A region's text on one line, its pieces apart (首页 · 关于我们, not 首页关于我们)."""
    return _clip(" ".join(piece.strip() for piece in element.itertext() if piece.strip()))


def _clip(text: str) -> str:
    text = normalize(text)
    return text if len(text) <= _SUMMARY else text[: _SUMMARY - 1] + "…"


def _meta(root) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = (element.get("content") or "").strip()
        if key.strip() and value:
            found.setdefault(key.strip().lower(), value)
    return found


def _title(root, meta: dict[str, str], article) -> str:
    for candidate in (meta.get("og:title"), meta.get("twitter:title")):
        if candidate and normalize(candidate):
            return normalize(candidate)
    heading = _first_heading(article)
    if heading:
        return heading
    page_title = root.find("head/title")
    text = normalize(page_title.text_content()) if page_title is not None else ""
    return _SITE_SUFFIX.sub("", text) or text or _first_heading(root)


def _first_heading(scope) -> str:
    heading = next(scope.iter("h1"), None)
    return normalize(heading.text_content()) if heading is not None else ""


def _published(meta: dict[str, str], article, body, blocks) -> datetime.date | None:
    """The publication date the page declares (meta tags, <time>, WeChat's #publish_time, a
    date in its description), unless the article's opening paragraphs name a date: the
    event's date, which the assembler reads there, is the one an editor wants (an article
    often comes out days after the salon)."""
    opening = [block.text for block in blocks[:8] if block.kind == PARAGRAPH]
    if any(map(dates.find_date, opening)):
        return None
    values = [meta.get(key, "") for key in _DATE_KEYS]
    for scope in (article, body):
        values += [t.get("datetime") or t.text_content() for t in scope.iter("time")]
    values += [e.text_content() for e in body.xpath("//*[@id='publish_time']")]
    values.append(meta.get("description", ""))
    return next(filter(None, (dates.find_date(value or "") for value in values)), None)


def _line_warning(blocks) -> tuple[ParseWarning, ...]:
    if not blocks or blocks[-1].line < _LAST_LINE:
        return ()
    message = f"the page is longer than {_LAST_LINE:,} lines: later ones all read {_LAST_LINE}"
    return (ParseWarning("line-numbers", message),)


def _canonical(root) -> str:
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return link.get("href").strip()
    return ""
