"""The editors' workbench in a real browser, from the keyboard: fix a typo, tag, split, merge,
reassign, add a heading, set a start time, tag every quote of one speaker, name placeholders; then
the public page, search and the API show each change, and history restores the event.

Actions are counted as the issue counts them (clicks and key commands, not typed characters), and
the issue's budgets are asserted: a typo ≤ 3 from the event's admin page, tagging 20 quotes of one
speaker ≤ 6, naming three placeholders ≤ 6."""

from __future__ import annotations

from itertools import pairwise

import pytest

from transcripts import typography

from .conftest import new_context

pytestmark = pytest.mark.browser
SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
EVENT = f"/events/{SLUG}/"
PASSWORD = "correct-horse-battery-staple"


class Actions:
    """Clicks and key commands (typing text is not an action)."""

    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def click(self, selector_or_locator, **options) -> None:
        self.count += 1
        target = (
            self.page.locator(selector_or_locator)
            if isinstance(selector_or_locator, str)
            else selector_or_locator
        )
        target.click(**options)

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def select(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.select_option(selector, value)

    def type(self, text: str) -> None:
        self.page.keyboard.insert_text(text)


@pytest.fixture
def editor(transactional_db):
    from django.contrib.auth.models import User

    from transcripts.roles import make_editor

    user = User.objects.create_user("bianji", password=PASSWORD)
    make_editor(user)
    return user


def console_errors(page) -> list[str]:
    """Errors the page logs from now on (a CSP violation is one), but the missing favicon."""
    errors: list[str] = []

    def seen(message) -> None:
        if message.type == "error" and not message.location["url"].endswith("favicon.ico"):
            errors.append(message.text)

    page.on("console", seen)
    return errors


def log_in(page) -> None:
    page.goto("/admin/")
    page.fill("#id_username", "bianji")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def status_says(page, text: str) -> None:
    """Wait for the answer's message, then for its fragments to settle and take the focus."""
    page.wait_for_function(
        "t => document.getElementById('wb-status').textContent.includes(t)", arg=text
    )
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    page.wait_for_timeout(50)  # "wb:focus" comes after the settle


def loaded(page) -> None:
    """The page and its lazily loaded panel (the import proposals) are in."""
    page.wait_for_selector("#wb-proposals:not([hx-get])")


def focused_number(page) -> str:
    return page.locator(".wb-block.is-focused").get_attribute("data-number")


def fix_typo(page, demo) -> int:
    """From the event's admin page: open the workbench, double-click the wrong word, type it
    right, Ctrl+Enter."""
    page.goto(f"/admin/transcripts/event/{demo.pk}/change/")
    act = Actions(page)
    act.click("text=编辑稿件")
    loaded(page)
    text = page.locator("#q-44 .text")
    text.scroll_into_view_if_needed()  # scrolling to the typo: not a click nor a key
    box = page.evaluate(  # where the wrong character is on the screen
        """el => {
            const node = el.firstChild, at = node.textContent.indexOf('保户') + 1;
            const r = document.createRange();
            r.setStart(node, at);
            r.setEnd(node, at + 1);
            const b = r.getBoundingClientRect();
            return [b.x + b.width / 4, b.y + b.height / 2];
        }""",
        text.element_handle(),
    )
    act.count += 1
    page.mouse.dblclick(*box)
    area = page.locator(".wb-editor textarea")
    start, end, wrong = area.evaluate(
        "a => [a.selectionStart, a.selectionEnd, a.value.indexOf('保户') + 1]"
    )
    if start < end:  # the clicked word is selected: type it right
        assert start <= wrong < end
        selected = area.input_value()[start:end]
        act.type(selected.replace("户", "护"))
    else:  # the caret is at the click, beside the wrong character (editing, not commands)
        assert start in (wrong, wrong + 1)
        page.keyboard.press("Delete" if start == wrong else "Backspace")
        act.type("护")
    act.press("Control+Enter")
    status_says(page, "已保存第 44 段发言")
    return act.count


def edit_from_the_keyboard(page, demo) -> tuple[int, int]:
    """Tag, split, reassign, add a heading, set a time, merge: keys only. Returns the second
    half's number and the number of the quote merged away."""
    from transcripts.models import Quote

    act = Actions(page)
    act.press("t")  # a tag, with completion and Enter
    with page.expect_response(lambda r: "/workbench/tags/" in r.url):
        act.type("精排模型")  # the completion list asks as one types
    act.press("Enter")
    status_says(page, "加上了标签：精排模型")
    assert "精排模型" in page.locator("#q-44 .wb-tags").inner_text()

    act.press("e")  # split at the cursor: the second half gets a new number and the focus
    page.locator(".wb-editor textarea").evaluate("a => a.setSelectionRange(12, 12)")
    act.press("Alt+s")
    status_says(page, "已拆分")
    assert focused_number(page) == "71"
    second = Quote.objects.get(event=demo, number=71)
    assert second.position == Quote.objects.get(event=demo, number=44).position + 1

    act.press("r")  # reassign the second half: completion over speakers by pinyin
    act.type("liuzhiyuan")
    page.wait_for_selector(".wb-options li.is-active")
    assert page.locator(".wb-options li").first.inner_text() == "新发言人：liuzhiyuan"
    assert "刘知远" in page.locator(".wb-options li.is-active").inner_text()
    act.press("Enter")
    status_says(page, "第 71 段发言改为刘知远")

    act.press("h")  # a topic heading before it
    act.type("精排与推荐")
    act.press("Enter")
    status_says(page, "加上话题：精排与推荐")
    assert focused_number(page) == "71"
    act.press("@")  # and a start time
    act.type("1:02:03")
    act.press("Enter")
    status_says(page, "已设置开始时间")
    assert page.locator("#q-71 time.start").inner_text() == "1:02:03"

    # merge: down to a quote under the same headings as the one before it, then m
    quotes = list(Quote.objects.filter(event=demo).order_by("position"))
    after = next(
        b
        for a, b in pairwise(quotes)
        if b.position > second.position + 1
        and (a.section_id, a.topic_id) == (b.section_id, b.topic_id)
    )
    for _ in range(after.position - second.position):
        act.press("j")
    assert focused_number(page) == str(after.number)
    act.press("m")
    status_says(page, f"已把第 {after.number} 段并入")
    assert page.locator(f"#q-{after.number}").count() == 0
    moves = after.position - second.position
    print(f"\nactions: tag, split, reassign, heading, time, merge ({moves} j): {act.count}")
    return second.number, after.number


def tag_one_speaker(page, demo) -> int:
    """Every quote of the host (22): filter, select all shown, type the tag, Enter."""
    from transcripts.models import Quote

    bulk = Actions(page)
    bulk.select("#wb-filter", str(Quote.objects.get(event=demo, number=1).speaker_id))
    bulk.click("#wb-select-shown")
    assert page.locator("#wb-selected").inner_text() == "已选 22 段"
    bulk.click("#wb-bulk-tags")
    with page.expect_response(lambda r: "/workbench/tags/" in r.url):
        bulk.type("串场")
    bulk.press("Enter")
    status_says(page, "已给 22 段发言加上标签：串场")
    return bulk.count


def readers_see_it(public, demo, merged: int) -> None:
    """The event page, a retired number, search and the API all show the edits."""
    from transcripts.models import Quote

    public.goto(EVENT)
    assert "隐私保护" in public.locator("#q-71 .text").inner_text()  # the fixed second half
    assert "精排与推荐" in public.locator(".topic").all_inner_texts()
    assert "刘知远" in public.locator("#q-71 .speaker").inner_text()
    assert public.locator("#q-71 time.start").inner_text() == "1:02:03"
    assert "精排模型" in public.locator("#q-44 .tags").inner_text()
    assert public.locator(".edit-quote").count() == 0  # no editor's link for readers
    into = Quote.objects.filter(event=demo, redirects_here__number=merged).get().number
    assert public.goto(f"{EVENT}q/{merged}/").url.endswith(f"q/{into}/")
    public.goto("/search/?q=隐私保护")
    assert public.locator("[data-quote='71']").count() == 1  # reindexed
    api = public.request.get(f"/api/events/{SLUG}/quotes").json()["results"]
    by_number = {row["number"]: row for row in api}
    assert by_number[71]["speaker"] == "liuzhiyuan" and by_number[71]["start"] == 3723.0
    assert "精排模型" in by_number[44]["tags"] and merged not in by_number
    assert sum("串场" in row["tags"] for row in api) == 22


def test_an_editor_works_through_an_event_from_the_keyboard(
    browser, live_server, demo, editor, page, artifacts
):
    from transcripts.models import Quote

    typo = Quote.objects.get(event=demo, number=44)
    assert "隐私保护" in typo.text
    Quote.objects.filter(pk=typo.pk).update(text=typo.text.replace("保护", "保户", 1))
    errors = console_errors(page)
    log_in(page)

    typo_actions = fix_typo(page, demo)
    assert "隐私保护" in Quote.objects.get(pk=typo.pk).text
    assert focused_number(page) == "44"
    second, merged = edit_from_the_keyboard(page, demo)
    page.screenshot(path=str(artifacts / "workbench-editing.png"))
    bulk_actions = tag_one_speaker(page, demo)
    page.screenshot(path=str(artifacts / "workbench-bulk-tags.png"))
    print(f"\nactions: typo {typo_actions}, tagging 22 quotes of one speaker {bulk_actions}")
    assert typo_actions <= 3
    assert bulk_actions <= 6

    public = page.context.browser.new_context(base_url=live_server.url).new_page()
    readers_see_it(public, demo, merged)

    # history: back to the event as it was imported (the oldest version)
    page.goto(f"/admin/transcripts/event/{demo.pk}/history/")
    page.locator("text=恢复到这个版本").last.click()
    page.click("input[value=确认恢复]")
    assert "已恢复" in page.locator(".messagelist").inner_text()
    public.goto(EVENT)
    # the page shows the restored text as it shows every quote (half-width marks between Chinese
    # characters drawn full-width)
    assert public.locator("#q-44 .text").inner_text() == typography.fullwidth(typo.text)
    assert public.locator(f"#q-{second}").count() == 0
    assert public.locator(f"#q-{merged}").count() == 1
    assert "精排与推荐" not in public.locator(".topic").all_inner_texts()
    assert "串场" not in " ".join(public.locator(".tags").all_inner_texts())
    page.screenshot(path=str(artifacts / "workbench-restored.png"))
    public.context.close()
    assert not errors, errors


def test_naming_three_placeholders_in_one_step(browser, live_server, editor, page, artifacts):
    from tests.factories import import_demo, recorded_transcript
    from transcripts.event_import import event_import
    from transcripts.models import Quote
    from transcripts.parsing import Speaker, Turn

    import_demo()  # 王明 is not in it; 刘知远 is
    people = tuple(Speaker(name=f"说话人{i}", placeholder=True) for i in (1, 2, 3))
    turns = tuple(Turn(i, f"说话人{(i - 1) % 3 + 1}", f"第 {i} 句话。") for i in range(1, 7))
    event = event_import(transcript=recorded_transcript(speakers=people, turns=turns)).event
    errors = console_errors(page)
    log_in(page)
    page.goto(f"/admin/transcripts/event/{event.pk}/workbench/")
    loaded(page)
    act = Actions(page)
    inputs = page.locator("#wb-names input[data-complete]")
    act.click(inputs.nth(0))
    with page.expect_response(lambda r: "/workbench/speakers/" in r.url):
        act.type("李雷")
    act.press("Enter")  # on to the next name
    with page.expect_response(lambda r: "/workbench/speakers/" in r.url):
        act.type("韩梅梅")
    act.press("Enter")
    with page.expect_response(lambda r: "/workbench/speakers/" in r.url):
        act.type("刘知远")
    page.wait_for_selector(".wb-options li.is-active")
    act.press("Enter")  # the existing person, then the form goes
    status_says(page, "已命名")
    page.screenshot(path=str(artifacts / "workbench-placeholders.png"))
    print(f"\nactions: naming three placeholders {act.count}")
    assert act.count <= 6
    names = set(Quote.objects.filter(event=event).values_list("speaker__name", flat=True))
    assert names == {"李雷", "韩梅梅", "刘知远"}
    assert page.locator("#wb-placeholders").inner_text().count("本场没有待命名的发言人") == 1
    assert not errors, errors


def test_import_proposals_and_headings_from_the_keyboard(
    browser, live_server, editor, page, artifacts
):
    """A raw import's proposals: x rejects one, a accepts the next, focus goes on to the next;
    a heading renamed and removed with its buttons; no console error (the CSP holds)."""
    from tests.factories import recorded_transcript
    from transcripts.event_import import event_import
    from transcripts.models import Quote, Topic
    from transcripts.parsing import Speaker, Turn

    people = tuple(Speaker(name=f"说话人{i}", placeholder=True) for i in (1, 2, 3))
    said = ["大家好，我是今天的主持人李雷。", "谢谢李雷，我是韩梅梅，很高兴来。", "我补充一句。"]
    said += ["下面请韩梅梅老师讲一讲。", "好的。", "谢谢大家。"]
    turns = tuple(Turn(i + 1, f"说话人{i % 3 + 1}", text) for i, text in enumerate(said))
    event = event_import(transcript=recorded_transcript(speakers=people, turns=turns)).event
    errors = console_errors(page)
    log_in(page)
    page.goto(f"/admin/transcripts/event/{event.pk}/workbench/")
    loaded(page)
    proposals = page.locator(".wb-proposal")
    assert proposals.count() == 3  # a topic at the start, two names
    act = Actions(page)
    act.click(proposals.first.locator("button[data-action=reject]"))  # the topic: no
    assert proposals.count() == 2
    proposals.first.focus()
    act.press("a")  # 说话人1 is 李雷
    status_says(page, "命名为李雷")
    page.wait_for_function("() => document.activeElement.classList.contains('wb-proposal')")
    act.press("a")  # and, focused next, 说话人2 is 韩梅梅
    status_says(page, "命名为韩梅梅")
    names = set(Quote.objects.filter(event=event).values_list("speaker__name", flat=True))
    assert names == {"李雷", "韩梅梅", "说话人3"}

    page.locator("#q-4").click()  # a heading before the fourth quote, renamed, then removed
    act.press("h")
    act.type("第二个话题")
    act.press("Enter")
    status_says(page, "加上话题：第二个话题")
    heading = page.locator(".wb-heading", has_text="第二个话题")
    heading.locator("button[data-action=rename]").click()
    page.keyboard.press("Control+a")
    act.type("改过的话题")
    act.press("Enter")
    status_says(page, "标题已改为：改过的话题")
    assert Topic.objects.filter(event=event, title="改过的话题").exists()
    page.screenshot(path=str(artifacts / "workbench-proposals.png"))
    page.locator(".wb-heading", has_text="改过的话题").locator("[data-action=remove]").click()
    status_says(page, "已删除标题")
    assert not Topic.objects.filter(event=event, title="改过的话题").exists()
    assert not errors, errors


def test_a_mistake_is_told_and_nothing_is_lost(browser, live_server, demo, editor, artifacts):
    """An empty text and a merge of the first quote: a message in the status line (a 422), the
    editor still open with what was typed; Esc closes it and the quote is unchanged."""
    from transcripts.models import Quote

    context = new_context(browser, live_server)
    page = context.new_page()
    errors = console_errors(page)
    log_in(page)
    page.goto(f"/admin/transcripts/event/{demo.pk}/workbench/")
    loaded(page)
    assert focused_number(page) == "1"
    page.keyboard.press("m")  # nothing before the first quote
    page.wait_for_selector("#wb-status.errornote")
    assert page.locator("[data-quote]").count() == 70
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_selector("#wb-status.errornote")
    assert page.locator(".wb-editor textarea").is_visible()
    page.screenshot(path=str(artifacts / "workbench-mistake.png"))
    page.keyboard.press("Escape")
    assert page.locator(".wb-editor").count() == 0
    assert focused_number(page) == "1"
    assert Quote.objects.get(event=demo, number=1).text
    assert not [e for e in errors if "422" not in e], errors  # the 422s are the messages
    context.close()


def test_a_suggested_tag_is_taken_from_the_keyboard(live_server, demo, editor, page):
    """t opens the tag box with the quote's suggestions; Tab, Enter takes the first one."""
    from transcripts.models import Quote

    log_in(page)
    page.goto(f"/admin/transcripts/event/{demo.pk}/workbench/#q-44")
    loaded(page)
    assert focused_number(page) == "44"
    act = Actions(page)
    act.press("t")
    suggestion = page.locator(".wb-suggestion").first
    name = suggestion.get_attribute("data-name")
    act.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.name") == name
    act.press("Enter")
    status_says(page, f"加上了标签：{name}")
    assert name in page.locator("#q-44 .wb-tags").inner_text()
    assert name in Quote.objects.get(event=demo, number=44).tags.names()
    assert act.count == 3


def test_every_quote_of_a_label_goes_to_a_new_person(live_server, demo, editor, page):
    """r, a new name, Alt+A (every quote of that label here), Enter."""
    from transcripts.models import Quote

    audience = Quote.objects.filter(event=demo, speaker__slug="guanzhong")
    numbers = sorted(audience.values_list("number", flat=True))
    log_in(page)
    page.goto(f"/admin/transcripts/event/{demo.pk}/workbench/#q-{numbers[0]}")
    loaded(page)
    act = Actions(page)
    act.press("r")
    with page.expect_response(lambda r: "/workbench/speakers/" in r.url):
        act.type("提问的王同学")
    assert page.locator(".wb-options li.is-active").inner_text() == "新发言人：提问的王同学"
    act.press("Alt+a")
    assert page.locator(".wb-scope input").is_checked()
    act.press("Enter")
    status_says(page, f"的 {len(numbers)} 段发言改为提问的王同学")
    moved = Quote.objects.filter(event=demo, speaker__name="提问的王同学")
    assert sorted(moved.values_list("number", flat=True)) == numbers
    for number in numbers:
        assert page.locator(f"#q-{number} .speaker").inner_text() == "提问的王同学"
    assert act.count == 3
