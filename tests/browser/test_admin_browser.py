"""An editor's round trip in a real browser: log in, accept a suggested tag on a quote, see it
on the public page; take the quote down and see it gone from the event page, search and API."""

from __future__ import annotations

import re

import pytest

from .conftest import new_context

pytestmark = pytest.mark.browser
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture
def editor(transactional_db):
    from django.contrib.auth.models import User

    from transcripts.roles import make_editor

    user = User.objects.create_user("bianji", password="correct-horse-battery-staple")
    make_editor(user)
    return user


def test_an_editor_tags_a_quote_and_takes_it_down(browser, live_server, demo, editor):
    from transcripts.models import Quote

    quote = Quote.objects.get(number=44)  # 张俊林 on 推荐 and 精排 (Q1)
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/admin/")
    page.fill("#id_username", "bianji")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("input[type=submit]")
    page.goto(f"/admin/transcripts/quote/{quote.pk}/change/")

    panel = page.locator(".tag-suggestions")
    first = panel.locator("li").first
    tag = first.locator(".tag-name").inner_text()
    assert tag and tag not in ("我们", "觉得", "这个", "可能", "非常")
    first.locator("button").click()
    assert tag in page.locator(".messagelist").inner_text()  # "已给第 44 段发言加上标签…"

    public = context.new_page()
    public.goto(f"{EVENT}q/44/")
    assert tag in public.locator(".tags").inner_text()

    page.goto("/admin/transcripts/quote/?q=" + quote.text[:8])
    page.check(f"input[name=_selected_action][value='{quote.pk}']")
    page.select_option("select[name=action]", "unpublish")
    page.click("button[name=index]")
    page.locator("input[type=submit]").first.click()  # the confirmation page
    assert re.search(r"\d", page.locator(".messagelist").inner_text())

    public.goto(EVENT)
    assert public.locator("[data-quote='44']").count() == 0
    assert public.locator("[data-quote]").count() == 69
    assert public.goto(f"{EVENT}q/44/").status == 404
    public.goto("/search/?q=精排")
    assert public.locator("[data-quote='44']").count() == 0
    api = public.request.get("/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/quotes")
    assert 44 not in [r["number"] for r in api.json()["results"]]
    context.close()
