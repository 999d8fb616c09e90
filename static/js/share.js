// Share a sentence: select text in a quote and a button offers a link to just that passage.
//
// The link is the quote's permalink with two ways to find the passage again:
//   ?p=<start>-<end>   character offsets into the quote's text, read below on arrival: the
//                      passage is wrapped in <mark> (ranges over text nodes, never innerHTML)
//                      and scrolled into view, in every browser;
//   #:~:text=<start>,<end>  a text fragment (WICG Text Fragments), which browsers that support
//                      them (document.fragmentDirective) highlight and scroll to themselves, even
//                      with scripts off.
// The copied link comes with a citation naming the speaker, the event and its date. Labels and
// the event's title and date come from this script's data-* attributes (the templates give them,
// translated); the pages are cached, so nothing here is per reader.
(() => {
  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const label = (name, fallback) => data[name] || fallback;
  const QUOTE = "article[data-quote]";
  let pop = null;
  let current = null; // {article, start, end, text} of the selection the button is for
  let pinned = false; // a copy result is shown: keep it until the reader moves on

  const textOf = (article) => article.querySelector(".text");

  function offsetIn(element, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(element);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  // The selection, clipped to one quote's text: {article, start, end, text} or null.
  function selectedPassage() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const node = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const article = node && (node.closest(QUOTE) || (range.endContainer.parentElement || range.endContainer).closest(QUOTE));
    const element = article && textOf(article);
    if (!element || !range.intersectsNode(element)) return null;
    const whole = document.createRange();
    whole.selectNodeContents(element);
    const full = element.textContent;
    let start = range.compareBoundaryPoints(Range.START_TO_START, whole) > 0 ? offsetIn(element, range.startContainer, range.startOffset) : 0;
    let end = range.compareBoundaryPoints(Range.END_TO_END, whole) < 0 ? offsetIn(element, range.endContainer, range.endOffset) : full.length;
    while (start < end && /\s/.test(full[start])) start += 1;
    while (end > start && /\s/.test(full[end - 1])) end -= 1;
    if (end <= start) return null;
    return { article, start, end, text: full.slice(start, end) };
  }

  // Text fragments: "-", "," and "&" are syntax, so they are escaped with the rest.
  const encode = (text) => encodeURIComponent(text).replace(/-/g, "%2D");

  // Where words begin and end in a quote's text: browsers match a text fragment only at word
  // boundaries (for Chinese, found by a dictionary), so the fragment's edges are put on them.
  function wordBounds(full) {
    const bounds = new Set([0, full.length]);
    if (window.Intl && Intl.Segmenter) {
      for (const part of new Intl.Segmenter("zh", { granularity: "word" }).segment(full)) bounds.add(part.index);
    } else {
      const latin = /[A-Za-z0-9]/;
      for (let i = 1; i < full.length; i += 1) if (!(latin.test(full[i - 1]) && latin.test(full[i]))) bounds.add(i);
    }
    return [...bounds].sort((a, b) => a - b);
  }

  // "text=<passage>" or, for a long one, "text=<its first words>,<its last words>".
  function textDirective(full, start, end) {
    const bounds = wordBounds(full);
    const from = bounds.filter((b) => b <= start).pop();
    const to = bounds.find((b) => b >= end);
    const piece = (a, b) => encode(full.slice(a, b).replace(/\s+/g, " ").trim());
    const headEnd = bounds.find((b) => b >= from + 10);
    const tailStart = bounds.filter((b) => b <= to - 10).pop();
    if (to - from <= 24 || headEnd === undefined || tailStart === undefined || headEnd >= tailStart) {
      return `text=${piece(from, to)}`;
    }
    return `text=${piece(from, headEnd)},${piece(tailStart, to)}`;
  }

  function permalink(article) {
    const own = article.querySelector("a.number");
    const canonical = document.querySelector('link[rel="canonical"]');
    const href = (own && own.getAttribute("href")) || (canonical && canonical.href) || location.pathname;
    const url = new URL(href, location.href);
    url.search = "";
    url.hash = "";
    return url.href;
  }

  function passageLink(passage) {
    return `${permalink(passage.article)}?p=${passage.start}-${passage.end}#:~:${textDirective(textOf(passage.article).textContent, passage.start, passage.end)}`;
  }

  function citation(passage, link) {
    const who = passage.article.querySelector(".who a");
    const parts = [`《${data.title || document.title}》`];
    if (data.date) parts.push(data.date);
    parts.push(link);
    return `${who ? who.textContent.trim() + "：" : ""}「${passage.text}」——${parts.join("，")}`;
  }

  function make(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function build() {
    pop = make("div", "share-pop");
    pop.hidden = true;
    const copy = make("button", "share-copy", label("labelCopy", "复制这段话的链接"));
    copy.type = "button";
    copy.addEventListener("click", copyLink);
    const status = make("p", "share-status");
    status.setAttribute("role", "status");
    const result = make("div", "share-result");
    pop.append(copy, status, result);
    // keep the selection when the button is pressed with a mouse or a finger
    pop.addEventListener("pointerdown", (event) => {
      if (event.target === copy) event.preventDefault();
    });
    return pop;
  }

  function place(passage) {
    const range = window.getSelection().getRangeAt(0);
    const element = textOf(passage.article);
    if (!pop) build();
    if (pop.previousElementSibling !== element) element.after(pop); // next in the tab order
    pop.hidden = false;
    const rects = range.getClientRects();
    const last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    const parent = (pop.offsetParent || document.body).getBoundingClientRect();
    const width = pop.offsetWidth;
    const left = Math.min(Math.max(last.right - parent.left - width / 2, 0), Math.max(parent.width - width, 0));
    pop.style.left = `${left}px`;
    pop.style.top = `${last.bottom - parent.top + 8}px`;
  }

  function reset() {
    pinned = false;
    if (!pop) return;
    pop.querySelector(".share-status").textContent = "";
    pop.querySelector(".share-result").replaceChildren();
  }

  function hide() {
    if (!pop) return;
    reset();
    pop.hidden = true;
    current = null;
  }

  async function writeClipboard(text) {
    if (!navigator.clipboard || !window.isSecureContext) return false;
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  }

  function field(text, name) {
    const wrapper = make("label", "share-field");
    wrapper.append(make("span", "", name));
    const input = make("input");
    input.type = "text";
    input.readOnly = true;
    input.value = text;
    input.addEventListener("focus", () => input.select());
    wrapper.append(input);
    return wrapper;
  }

  async function copyLink() {
    if (!current) return;
    const link = passageLink(current);
    // the citation carries the short form (?p=…, highlighted by this script): readable in print
    const cite = citation(current, link.split("#")[0]);
    reset();
    pinned = true;
    const status = pop.querySelector(".share-status");
    const result = pop.querySelector(".share-result");
    const copied = await writeClipboard(link);
    if (copied) {
      status.textContent = label("labelCopied", "已复制这段话的链接。");
    } else {
      status.textContent = label("labelManual", "无法直接复制，请手动复制：");
      result.append(field(link, label("labelLink", "这段话的链接")));
    }
    const citeButton = make("button", "share-cite-copy", label("labelCite", "复制引用"));
    citeButton.type = "button";
    const citeText = make("p", "share-cite", cite);
    citeButton.addEventListener("click", async () => {
      const ok = await writeClipboard(cite);
      status.textContent = ok ? label("labelCiteCopied", "已复制引用。") : label("labelManual", "无法直接复制，请手动复制：");
      if (!ok && !result.querySelector(".share-field-cite")) {
        const box = field(cite, label("labelCiteText", "引用"));
        box.classList.add("share-field-cite");
        result.append(box);
      }
    });
    result.append(citeText, citeButton);
    const input = result.querySelector("input");
    if (input) {
      input.focus();
      input.select();
    }
  }

  let timer = 0;
  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const passage = selectedPassage();
      if (passage) {
        if (!current || current.start !== passage.start || current.end !== passage.end || current.article !== passage.article) reset();
        current = passage;
        place(passage);
      } else if (pop && !pinned && !pop.contains(document.activeElement)) {
        hide();
      }
    }, 120);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && pop && !pop.hidden) {
      const back = current && textOf(current.article);
      hide();
      if (back && pop.contains(document.activeElement)) back.focus();
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (pop && pinned && !pop.contains(event.target)) hide();
  });

  // Arrival: highlight ?p=<start>-<end> in the quote and bring it into view.
  function highlight(element, start, end) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const pieces = [];
    let position = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.data.length;
      const from = Math.max(start - position, 0);
      const to = Math.min(end - position, length);
      if (from < to) pieces.push([node, from, to]);
      position += length;
    }
    return pieces.map(([node, from, to]) => {
      let piece = node;
      if (from > 0) piece = piece.splitText(from);
      if (to - from < piece.data.length) piece.splitText(to - from);
      const mark = make("mark", "shared-passage");
      piece.replaceWith(mark);
      mark.append(piece);
      return mark;
    });
  }

  function arrive() {
    const match = /^(\d+)-(\d+)$/.exec(new URLSearchParams(location.search).get("p") || "");
    if (!match) return;
    const numbered = /^#q-(\d+)$/.exec(location.hash);
    const article = document.querySelector("article.quote-single") || (numbered && document.querySelector(`${QUOTE}[data-quote="${numbered[1]}"]`));
    const element = article && textOf(article);
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), element ? element.textContent.length : 0);
    if (!element || end <= start) return;
    const marks = highlight(element, start, end);
    if (marks.length) marks[0].scrollIntoView({ block: "center" });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", arrive);
  else arrive();
})();
