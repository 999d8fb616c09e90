// The event page: find your place. Opens the folded guest list, chart and contents on a wide
// screen, marks the current part and topic in the contents as the reader scrolls, and moves
// quote by quote with j / k (as SayIt did). The page is cached for every reader: all that is
// per reader happens here.
(() => {
  "use strict";
  const aside = document.querySelector(".event-aside");
  const wide = window.matchMedia("(min-width: 48.01rem)");

  // Folded on a phone (as the HTML comes), open on a wide screen.
  function unfold() {
    if (wide.matches) document.querySelectorAll("details.fold").forEach((d) => { d.open = true; });
  }
  if (aside) {
    unfold();
    document.documentElement.classList.add("folds-ready");
    wide.addEventListener("change", unfold);
  }

  // "You are here": the last part and topic heading above a line 30% down the window.
  const toc = document.querySelector(".fold-toc");
  const headings = [...document.querySelectorAll(".transcript .part[id], .transcript .topic[id]")];
  if (toc && headings.length && "IntersectionObserver" in window) {
    const links = new Map();
    toc.querySelectorAll("a[href*='#']").forEach((a) => {
      links.set(a.getAttribute("href").split("#")[1], a);
    });
    const above = new Set();
    let marked = [];
    const mark = () => {
      let part = -1;
      let topic = -1;
      headings.forEach((h, i) => {
        if (!above.has(h)) return;
        if (h.classList.contains("part")) { part = i; topic = -1; } else if (i > part) topic = i;
      });
      const now = [part, topic].filter((i) => i >= 0).map((i) => links.get(headings[i].id)).filter(Boolean);
      if (now.length === marked.length && now.every((a, i) => a === marked[i])) return;
      marked.forEach((a) => a.removeAttribute("aria-current"));
      now.forEach((a) => a.setAttribute("aria-current", "location"));
      marked = now;
      const last = now[now.length - 1];
      if (last && toc.scrollHeight > toc.clientHeight) keepInView(toc, last);
    };
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((e) => { if (e.isIntersecting) above.add(e.target); else above.delete(e.target); });
      mark();
    }, { rootMargin: "100000px 0px -70% 0px" });
    headings.forEach((h) => observer.observe(h));
  }

  function keepInView(box, link) {
    const b = box.getBoundingClientRect();
    const r = link.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - box.clientHeight / 3;
  }

  // j / k: the next or previous quote gets the focus and the address (#q-N).
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  function current(quotes) {
    const focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("[data-quote]") : null;
    const hashed = /^#q-\d+$/.test(location.hash) ? document.getElementById(location.hash.slice(1)) : null;
    for (const el of [focused, hashed]) {
      if (el && onScreen(el)) return { index: quotes.indexOf(el), exact: true };
    }
    const index = quotes.findIndex((q) => q.getBoundingClientRect().top >= 0);
    return { index: index < 0 ? quotes.length : index, exact: false };
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "j" && event.key !== "k") return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    const target = event.target;
    if (target.isContentEditable || (target.closest && target.closest("input, textarea, select"))) return;
    const quotes = [...document.querySelectorAll("[data-quote]")];
    if (!quotes.length) return;
    const { index, exact } = current(quotes);
    let next;
    if (event.key === "j") next = exact ? index + 1 : index;
    else next = index - 1;
    next = Math.min(Math.max(next, 0), quotes.length - 1);
    const quote = quotes[next];
    event.preventDefault();
    if (!quote.hasAttribute("tabindex")) quote.setAttribute("tabindex", "-1");
    quote.focus({ preventScroll: true });
    quote.scrollIntoView({ block: "start" });
    history.replaceState(history.state, "", "#" + quote.id);
  });
})();
