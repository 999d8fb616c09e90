/* The editors' workbench (templates/admin/transcripts/workbench/): keyboard first.
 *
 * One quote has the focus (j/k or the arrows move it). The keys open a small editor under it
 * (text, tags, speaker, heading, start time) or act at once (m merges). Every change is one
 * htmx POST; the server answers with the fragments that changed, says where they go
 * (HX-Retarget) and which quote to focus afterwards (the "wb:focus" event). A mistake comes back
 * as a 422 with a message for the status line. No inline code anywhere: the CSP forbids it.
 */
(function () {
  "use strict";

  const root = document.getElementById("workbench");
  if (!root || !window.htmx) return;
  const base = root.dataset.base;
  let focusedPk = null;
  let moves = 0; // j/k presses so far: an answer does not take the focus back from a later move
  let movesAtRequest = 0;

  // Quotes and focus ---------------------------------------------------------------------------

  const blocks = () => Array.from(root.querySelectorAll(".wb-block"));
  const shown = () => blocks().filter((block) => !block.hidden);
  const blockOf = (pk) => document.getElementById("wb-q-" + pk);
  const quoteOf = (block) => block.querySelector(".wb-quote");

  function current() {
    const block = focusedPk && blockOf(focusedPk);
    return block && !block.hidden ? block : shown()[0];
  }

  function focusBlock(block, scroll) {
    if (!block) return;
    root.querySelectorAll(".wb-block.is-focused").forEach((b) => b.classList.remove("is-focused"));
    block.classList.add("is-focused");
    focusedPk = block.dataset.pk;
    const quote = quoteOf(block);
    quote.focus({ preventScroll: true });
    if (scroll !== false) quote.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    moves += 1;
    const list = shown();
    const index = list.indexOf(current());
    focusBlock(list[Math.max(0, Math.min(list.length - 1, index + step))]);
  }

  function say(message, error) {
    const status = document.getElementById("wb-status");
    status.textContent = message;
    status.classList.toggle("errornote", !!error);
  }

  // Requests -----------------------------------------------------------------------------------

  function post(path, values, target) {
    movesAtRequest = moves;
    return htmx.ajax("POST", base + path, {
      source: root,
      target: target || "#wb-status",
      swap: "outerHTML",
      values: values || {},
    });
  }

  function quotePost(block, op, values) {
    return post("q/" + block.dataset.pk + "/" + op + "/", values, "#wb-q-" + block.dataset.pk);
  }

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 404 || status === 422 || status === 400) {
      event.detail.shouldSwap = true; // the answer is a message for the status line
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(status === 403 ? "没有权限做这个修改。" : "出错了（" + status + "），请刷新页面再试。", true);
  });
  document.body.addEventListener("htmx:sendError", () => say("连不上服务器，请稍后再试。", true));
  // after a change (HX-Trigger-After-Settle, once the new fragments are in place)
  document.addEventListener("wb:focus", (event) => {
    if (moves === movesAtRequest) focusedPk = String(event.detail.quote);
    applyFilter();
    const elsewhere = root.querySelector(".wb-editor") || document.activeElement.closest("#wb-proposals");
    if (!elsewhere) focusBlock(current()); // not away from a new editor, nor the proposals
  });
  let proposalsKeepFocus = false; // after "a" on a proposal: on to the next one
  document.body.addEventListener("htmx:afterSettle", () => {
    applyFilter();
    hideRejected();
    const next = document.querySelector("#wb-proposals .wb-proposal");
    if (proposalsKeepFocus && next) next.focus();
    proposalsKeepFocus = false;
  });

  // Proposals an editor rejected stay hidden (for this browser session) when the panel comes
  // again after a change
  const rejectedKey = "wb-rejected:" + base;
  const rejected = new Set(JSON.parse(sessionStorage.getItem(rejectedKey) || "[]"));

  function reject(proposal) {
    const next = proposal.nextElementSibling || proposal.previousElementSibling;
    rejected.add(proposal.dataset.key);
    sessionStorage.setItem(rejectedKey, JSON.stringify(Array.from(rejected)));
    proposal.remove();
    if (next) next.focus();
    hideRejected();
  }

  function hideRejected() {
    document.querySelectorAll("#wb-proposals .wb-proposal").forEach((proposal) => {
      if (rejected.has(proposal.dataset.key)) proposal.remove();
    });
    const list = document.querySelector("#wb-proposals .wb-proposal-list");
    if (list && !list.children.length) {
      const none = document.createElement("p");
      none.className = "help";
      none.textContent = "没有其他建议。";
      list.replaceWith(none);
    }
  }

  // Editors ------------------------------------------------------------------------------------

  function closeEditor(refocus) {
    root.querySelectorAll(".wb-editor").forEach((editor) => editor.remove());
    if (refocus) focusBlock(current(), false);
  }

  function editor(block, kind, help) {
    closeEditor(false);
    const form = document.createElement("form");
    form.className = "wb-editor wb-editor-" + kind;
    form.noValidate = true;
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(true);
      }
    });
    if (help) {
      const line = document.createElement("p");
      line.className = "help";
      line.textContent = help;
      form.appendChild(line);
    }
    quoteOf(block).after(form);
    return form;
  }

  function field(form, tag, attributes) {
    const element = document.createElement(tag);
    Object.assign(element, attributes || {});
    form.insertBefore(element, form.querySelector(".help"));
    return element;
  }

  function editText(block, selection) {
    const quote = quoteOf(block);
    const form = editor(block, "text", "Ctrl+Enter 保存 · Alt+S 在光标处拆分 · Esc 取消");
    const area = field(form, "textarea", { name: "text", value: quote.dataset.text });
    area.setAttribute("aria-label", "第 " + block.dataset.number + " 段的文字");
    area.rows = Math.min(16, Math.max(3, Math.ceil(area.value.length / 40)));
    area.focus();
    const [start, end] = selection || [area.value.length, area.value.length];
    area.setSelectionRange(start, end);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        quotePost(block, "text", { text: area.value });
      } else if (event.code === "KeyS" && (event.altKey || (event.ctrlKey && event.shiftKey))) {
        event.preventDefault();
        quotePost(block, "split", { text: area.value, at: area.selectionStart });
      }
    });
  }

  function editTime(block) {
    const form = editor(block, "time", "开始时间：1:23:45、12:34 或 75.5（秒）；留空清除 · Enter 保存");
    const input = field(form, "input", { name: "time", value: quoteOf(block).dataset.clock });
    input.defaultValue = input.value;
    input.setAttribute("aria-label", "开始时间");
    input.focus();
    input.select();
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        if (input.value === input.defaultValue) closeEditor(true); // unchanged: keep the seconds
        else quotePost(block, "time", { time: input.value });
      }
    });
  }

  function editHeading(block) {
    const form = editor(block, "heading", "在这段前面加标题 · Enter 保存");
    const kind = field(form, "select", { name: "kind" });
    kind.setAttribute("aria-label", "标题种类");
    kind.add(new Option("话题", "topic"));
    kind.add(new Option("部分", "section"));
    const title = field(form, "input", { name: "title", placeholder: "标题" });
    title.setAttribute("aria-label", "标题");
    title.focus();
    title.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        quotePost(block, "heading", { kind: kind.value, title: title.value });
      }
    });
  }

  function editTags(block) {
    const form = editor(block, "tags", "↓/↑ 选择 · Enter 加上 · Esc 关闭");
    const input = field(form, "input", { name: "tags", placeholder: "标签名" });
    input.setAttribute("aria-label", "加标签");
    const slot = field(form, "div", { className: "wb-suggestions" });
    combo(input, root.dataset.tagsUrl, {
      pick: (option) => quotePost(block, "tag", { tags: option ? option.value : input.value }),
    });
    input.focus();
    fetch(base + "q/" + block.dataset.pk + "/suggestions/", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        slot.innerHTML = html; // rendered and escaped by the server
      });
    slot.addEventListener("click", (event) => {
      const button = event.target.closest(".wb-suggestion");
      if (button) quotePost(block, "tag", { tags: button.dataset.name });
    });
  }

  function editSpeaker(block) {
    const form = editor(block, "speaker", "姓名、拼音或知乎账号 · ↓/↑ 选择 · Alt+A 本场全部 · Enter 确定");
    const input = field(form, "input", { name: "name", placeholder: "发言人" });
    input.setAttribute("aria-label", "改为哪位发言人");
    const label = field(form, "label", { className: "wb-scope" });
    const every = document.createElement("input");
    every.type = "checkbox";
    label.append(every, " 本场“" + quoteOf(block).dataset.speakerName + "”的全部发言");
    combo(input, root.dataset.speakersUrl, {
      first: (typed) => (typed ? { value: typed, label: "新发言人：" + typed, isNew: true } : null),
      preferExisting: true,
      pick: (option) => {
        if (!option) return;
        const values = option.isNew ? { name: option.value } : { speaker: option.id };
        if (every.checked) values.scope = "label";
        quotePost(block, "reassign", values);
      },
    });
    input.addEventListener("keydown", (event) => {
      if (event.altKey && event.code === "KeyA") {
        event.preventDefault();
        every.checked = !every.checked;
      }
    });
    input.focus();
  }

  // Completion: a list under an input, ↓/↑ to move, Enter to pick ------------------------------

  function combo(input, url, options) {
    if (input.dataset.comboReady) return;
    input.dataset.comboReady = "1";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    const list = document.createElement("ul");
    list.className = "wb-options";
    list.setAttribute("role", "listbox");
    list.id = "wb-options-" + Math.random().toString(36).slice(2);
    input.setAttribute("aria-controls", list.id);
    input.after(list);
    let items = [];
    let active = -1;
    let timer = null;

    function render() {
      list.replaceChildren(
        ...items.map((item, index) => {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.id = list.id + "-" + index;
          li.textContent = item.label + (item.hint ? "（" + item.hint + "）" : "");
          li.classList.toggle("is-active", index === active);
          li.setAttribute("aria-selected", index === active ? "true" : "false");
          li.addEventListener("mousedown", (event) => {
            event.preventDefault();
            active = index;
            choose();
          });
          return li;
        }),
      );
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + active);
      else input.removeAttribute("aria-activedescendant");
    }

    function load() {
      const typed = input.value.trim();
      const first = options.first ? options.first(typed) : null;
      const query = url + "?q=" + encodeURIComponent(typed);
      fetch(query, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { options: [] }))
        .then((data) => {
          if (input.value.trim() !== typed) return; // typed on meanwhile
          items = (first ? [first] : []).concat(typed ? data.options : []);
          const exact = items.findIndex((item) => !item.isNew && item.label === typed);
          const existing = items.findIndex((item) => !item.isNew);
          active = exact >= 0 ? exact : options.preferExisting ? existing : -1;
          if (active < 0 && first && options.preferExisting) active = 0;
          render();
        });
    }

    function choose() {
      clearTimeout(timer);
      const item = active >= 0 ? items[active] : null;
      items = [];
      render();
      if (options.pick) options.pick(item);
      else if (item) input.value = item.value;
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 120);
    });
    input.addEventListener("blur", () => {
      items = [];
      render();
    });
    input.addEventListener("keydown", (event) => {
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && items.length) {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + items.length + 1) % (items.length + 1);
        if (active === items.length) active = -1; // back to what was typed
        render();
      } else if (event.key === "Enter" && !event.isComposing) {
        if (options.enter && options.enter(event, active >= 0 ? items[active] : null)) return;
        event.preventDefault();
        choose();
      }
    });
  }

  // The panels: filter, selection, bulk tags, naming placeholders ------------------------------

  function applyFilter() {
    const filter = document.getElementById("wb-filter");
    const wanted = filter ? filter.dataset.current || "" : "";
    if (filter && filter.value !== wanted) filter.value = wanted;
    blocks().forEach((block) => {
      block.hidden = !!wanted && block.dataset.speaker !== wanted;
    });
    countSelected();
  }

  function countSelected() {
    const out = document.getElementById("wb-selected");
    const n = root.querySelectorAll(".wb-block:not([hidden]) .wb-select:checked").length;
    if (out) out.textContent = n ? "已选 " + n + " 段" : "";
  }

  root.addEventListener("change", (event) => {
    if (event.target.id === "wb-filter") {
      event.target.dataset.current = event.target.value;
      applyFilter();
      focusBlock(shown()[0]);
    } else if (event.target.classList.contains("wb-select")) {
      countSelected();
    }
  });

  function setUpPanels() {
    const bulk = document.getElementById("wb-bulk-tags");
    if (bulk) {
      combo(bulk, root.dataset.tagsUrl, {
        pick: (option) => {
          if (option) bulk.value = option.value;
          bulk.form.requestSubmit();
        },
      });
    }
    const names = Array.from(root.querySelectorAll("#wb-names input[data-complete]"));
    names.forEach((input, index) => {
      combo(input, root.dataset.speakersUrl, {
        pick: (option) => {
          const id = input.form.elements[input.dataset.idField];
          if (option) input.value = option.value;
          id.value = option ? option.id : "";
          if (index + 1 < names.length) names[index + 1].focus();
          else input.form.requestSubmit();
        },
      });
      input.addEventListener("input", () => {
        input.form.elements[input.dataset.idField].value = "";
      });
    });
  }
  document.body.addEventListener("htmx:load", setUpPanels);

  root.addEventListener("click", (event) => {
    const target = event.target;
    if (target.id === "wb-select-shown" || target.id === "wb-select-none") {
      const all = target.id === "wb-select-shown";
      blocks().forEach((block) => {
        quoteOf(block).querySelector(".wb-select").checked = all && !block.hidden;
      });
      countSelected();
      return;
    }
    const untag = target.closest(".wb-untag");
    if (untag) {
      quotePost(untag.closest(".wb-block"), "untag", { tag: untag.dataset.tag });
      return;
    }
    const tool = target.closest(".wb-heading-tools button");
    if (tool) headingTool(tool);
    const rejecting = target.closest(".wb-proposal [data-action=reject]");
    if (rejecting) reject(rejecting.closest(".wb-proposal"));
    const quote = target.closest(".wb-quote");
    if (quote && !target.closest("a, button, input")) focusBlock(quote.closest(".wb-block"), false);
  });

  function headingTool(button) {
    const heading = button.closest(".wb-heading");
    const path = "heading/" + heading.dataset.kind + "/" + heading.dataset.heading + "/";
    const action = button.dataset.action;
    if (action === "up" || action === "down") post(path + "move/", { direction: action }, "#wb-transcript");
    else if (action === "remove") post(path + "remove/", {}, "#wb-transcript");
    else if (action === "rename") {
      const input = document.createElement("input");
      input.className = "wb-rename";
      input.value = heading.dataset.title;
      input.setAttribute("aria-label", "新标题（Enter 保存，Esc 取消）");
      const title = heading.querySelector("h3, h4");
      const shownTitle = title.textContent;
      title.replaceChildren(input);
      input.focus();
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") post(path + "rename/", { title: input.value }, "#wb-transcript");
        if (event.key === "Escape") {
          title.textContent = shownTitle;
          focusBlock(heading.closest(".wb-block"), false);
        }
      });
    }
  }

  // Double-click on the text: edit it, the caret where the click was (the clicked word
  // selected when the browser's word selection holds that point)
  function offsetIn(container, node, offset) {
    const before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(node, offset);
    return before.toString().length;
  }

  root.addEventListener("dblclick", (event) => {
    const text = event.target.closest(".wb-quote .text");
    if (!text) return;
    const block = text.closest(".wb-block");
    const point = document.caretRangeFromPoint && document.caretRangeFromPoint(event.clientX, event.clientY);
    const caret = point && text.contains(point.startContainer)
      ? offsetIn(text, point.startContainer, point.startOffset) : null;
    let range = caret === null ? null : [caret, caret];
    const selection = window.getSelection();
    if (selection.rangeCount && text.contains(selection.anchorNode)) {
      const word = selection.getRangeAt(0);
      const start = offsetIn(text, word.startContainer, word.startOffset);
      const end = start + word.toString().length;
      if (caret === null || (start <= caret && caret <= end && end > start)) range = [start, end];
    }
    focusBlock(block, false);
    editText(block, range);
  });

  // Keys ---------------------------------------------------------------------------------------

  function isTyping(element) {
    if (!element) return false;
    if (element.tagName === "INPUT") return !/^(checkbox|radio|button|submit)$/.test(element.type);
    return /^(TEXTAREA|SELECT)$/.test(element.tagName) || element.isContentEditable;
  }

  const KEYS = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    e: (block) => editText(block),
    Enter: (block) => editText(block),
    m: (block) => quotePost(block, "merge", {}),
    t: (block) => editTags(block),
    r: (block) => editSpeaker(block),
    h: (block) => editHeading(block),
    "@": (block) => editTime(block),
    i: (block) => editTime(block),
    s: (block) => {
      const box = quoteOf(block).querySelector(".wb-select");
      box.checked = !box.checked;
      countSelected();
    },
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.target.closest && event.target.closest(".wb-editor")) return; // its own keys
    const proposal = event.target.closest && event.target.closest(".wb-proposal");
    if (proposal) {
      if (event.key === "a") {
        proposalsKeepFocus = true;
        proposal.querySelector("form").requestSubmit();
      } else if (event.key === "x") {
        reject(proposal);
      }
      return;
    }
    const onButton = event.target.closest && event.target.closest("a, button");
    const action = KEYS[event.key];
    if (!action || (onButton && (event.key === "Enter" || event.key === " "))) return;
    const block = current();
    if (!block) return;
    event.preventDefault();
    if (!block.classList.contains("is-focused")) focusBlock(block);
    action(block);
  });

  // Start: the quote of the address (#q-12, from the public page's "编辑" link), else the first
  const wanted = /^#q-(\d+)$/.exec(location.hash);
  const first = wanted && blocks().find((block) => block.dataset.number === wanted[1]);
  setUpPanels();
  hideRejected();
  focusBlock(first || shown()[0], !!first);
})();
