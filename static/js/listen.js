// Listen along: the event page follows its recording's in-page player.
// The quote being spoken is marked (class "is-current", aria-current) and kept in view while it
// plays, unless the reader has scrolled in the last few seconds; a quote's time (a link to
// "#t=<seconds>") seeks the player and plays; "#t=75", "#t=1:15" or "?t=1:15" on load seeks there.
(function () {
  "use strict";

  var root = document.querySelector("[data-listen]");
  var player = root && root.querySelector("audio, video");
  if (!player) return;

  var READER_PAUSE = 6000; // ms after the reader's own scrolling during which we do not scroll
  var quotes = [];
  document.querySelectorAll("article.quote[data-quote]").forEach(function (article) {
    var time = article.querySelector("time.start[data-start]");
    var start = time ? parseFloat(time.getAttribute("data-start")) : NaN;
    if (isFinite(start)) quotes.push({ start: start, element: article });
  });
  if (!quotes.length) return;
  quotes.sort(function (a, b) { return a.start - b.start; });

  var current = null;
  var readerScrolledAt = 0;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // "75", "75.5", "1:15", "1:02:05" → seconds (NaN when not a time)
  function parseTime(text) {
    if (!text || !/^\d+(\.\d+)?$|^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(text)) return NaN;
    return text.split(":").reduce(function (total, part) { return total * 60 + parseFloat(part); }, 0);
  }

  function timeFromAddress() {
    var hash = /^#t=([^&]+)/.exec(window.location.hash);
    if (hash) return parseTime(decodeURIComponent(hash[1]));
    var query = new URLSearchParams(window.location.search).get("t");
    return query ? parseTime(query) : NaN;
  }

  // the last quote starting at or before `seconds` (null before the first one)
  function quoteAt(seconds) {
    var low = 0, high = quotes.length - 1, found = null;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (quotes[middle].start <= seconds + 0.05) { found = quotes[middle]; low = middle + 1; }
      else high = middle - 1;
    }
    return found;
  }

  function inView(element) {
    var box = element.getBoundingClientRect();
    var top = root.classList.contains("is-stuck") ? root.getBoundingClientRect().bottom : 0;
    return box.top >= top && box.top < window.innerHeight - 40;
  }

  function mark(seconds, scroll) {
    var quote = quoteAt(seconds);
    if (quote === current) return;
    if (current) {
      current.element.classList.remove("is-current");
      current.element.removeAttribute("aria-current");
    }
    current = quote;
    if (!quote) return;
    quote.element.classList.add("is-current");
    quote.element.setAttribute("aria-current", "true");
    var readerBusy = Date.now() - readerScrolledAt < READER_PAUSE;
    if (scroll && !readerBusy && !inView(quote.element)) {
      quote.element.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
    }
  }

  function seek(seconds, play) {
    var go = function () {
      player.currentTime = Math.min(seconds, player.duration || seconds);
      if (play) {
        var playing = player.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stay paused */ });
      }
    };
    mark(seconds, false);
    if (player.readyState >= 1) go();
    else player.addEventListener("loadedmetadata", go, { once: true });
  }

  player.addEventListener("timeupdate", function () { mark(player.currentTime, !player.paused); });
  player.addEventListener("seeked", function () { mark(player.currentTime, false); });

  // the reader's own scrolling (not ours): wheel, touch, keys that scroll
  ["wheel", "touchmove"].forEach(function (type) {
    window.addEventListener(type, function () { readerScrolledAt = Date.now(); }, { passive: true });
  });
  window.addEventListener("keydown", function (event) {
    if (/^(Arrow|Page|Home|End|\s)/.test(event.key)) readerScrolledAt = Date.now();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.seek[href^='#t=']");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    var seconds = parseTime(link.getAttribute("href").slice(3));
    if (!isFinite(seconds)) return;
    event.preventDefault();
    history.replaceState(null, "", link.getAttribute("href"));
    seek(seconds, true);
  });

  window.addEventListener("hashchange", function () {
    var seconds = timeFromAddress();
    if (isFinite(seconds)) seek(seconds, false);
  });

  // a sticky audio player gets a shadow once it sticks (CSS cannot tell)
  if ("IntersectionObserver" in window && player.tagName === "AUDIO") {
    var sentinel = document.createElement("div");
    sentinel.className = "listen-sentinel";
    root.parentNode.insertBefore(sentinel, root);
    new IntersectionObserver(function (entries) {
      var entry = entries[0];
      root.classList.toggle("is-stuck", !entry.isIntersecting && entry.boundingClientRect.top < 0);
    }).observe(sentinel);
  }

  var start = timeFromAddress();
  if (isFinite(start)) {
    seek(start, false);
    var quote = quoteAt(start);
    if (quote) quote.element.scrollIntoView({ block: "center" });
  }
})();
