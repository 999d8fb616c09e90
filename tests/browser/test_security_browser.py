"""The Content-Security-Policy in a real browser: every page works under it without a single
violation, and hostile text placed everywhere a reader can see it never runs as script."""

from __future__ import annotations

import pytest

from .conftest import new_context

pytestmark = pytest.mark.browser

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
PASSWORD = "correct-horse-battery-staple"
# Recorded before any page script runs (Playwright's init scripts are not subject to the CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""

READER_PAGES = [
    "/",
    f"/events/{SLUG}/",
    f"/events/{SLUG}/?speaker=zhangjunlin&topic=3",
    f"/events/{SLUG}/q/12/",
    "/search/?q=幻觉",
    "/speakers/",
    "/speakers/zhangjunlin/",
    "/tags/",
    "/tags/幻觉/",
    "/en/",
]


class Watched:
    """A page that records CSP violations (events and console reports), script errors and
    dialogs."""

    def __init__(self, context) -> None:
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str):
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations") + self.console


@pytest.fixture
def admin_user(transactional_db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser("boss", password=PASSWORD)


@pytest.fixture
def watched(browser, live_server, demo):
    context = new_context(browser, live_server)
    yield Watched(context)
    context.close()


def test_reader_pages_satisfy_the_content_security_policy(watched):
    for url in READER_PAGES:
        response = watched.visit(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        assert watched.violations() == [], url
    assert watched.errors == []


def test_an_inline_script_is_refused_by_the_browser(watched):
    """The second line of defence: were escaping ever to fail, inline script would not run."""
    watched.visit(f"/events/{SLUG}/")
    watched.page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = 1";
        document.body.append(script);
        const image = '<img src="/x.png" onerror="window.__ran=2">';
        document.body.insertAdjacentHTML("beforeend", image);
    }"""
    )
    # both refusals are reported: the inline <script> and the inline onerror handler
    watched.page.wait_for_function("window.__violations.length >= 2")
    assert watched.page.evaluate("typeof window.__ran") == "undefined"
    refused = " ".join(watched.page.evaluate("window.__violations"))
    assert "script-src-elem blocked inline" in refused
    assert "script-src-attr blocked inline" in refused


def test_the_api_docs_render_under_the_policy(watched):
    response = watched.visit("/api/docs")
    assert response.status == 200
    watched.page.locator(".swagger-ui .info .title").wait_for()
    assert "盐沙龙 API" in watched.page.locator(".swagger-ui .info .title").inner_text()
    assert watched.page.locator(".opblock").count() >= 6  # the endpoints are listed
    assert watched.violations() == []
    assert watched.errors == []


def test_the_admin_works_under_the_policy(watched, admin_user):
    from transcripts.models import Quote

    watched.visit("/admin/login/")
    assert watched.violations() == []
    watched.page.fill("#id_username", "boss")
    watched.page.fill("#id_password", PASSWORD)
    watched.page.click("input[type=submit]")
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.locator("#user-tools").count() == 1  # logged in
    quote = Quote.objects.get(event__slug=SLUG, number=44)
    for url in (
        "/admin/",
        "/admin/transcripts/quote/",
        "/admin/transcripts/quote/?speaker__id__exact=1&q=模型",
        f"/admin/transcripts/quote/{quote.pk}/change/",
        "/admin/transcripts/event/",
        "/admin/transcripts/event/import/",
        "/admin/taggit/tag/",
        "/admin/transcripts/section/",
    ):
        response = watched.visit(url)
        assert response.status == 200, url
        assert watched.violations() == [], url
    # the quote changelist's script still works: "select all" ticks every row
    watched.visit("/admin/transcripts/quote/")
    watched.page.check("#action-toggle")
    checked = watched.page.locator("input.action-select:checked").count()
    assert checked == watched.page.locator("input.action-select").count() > 0
    assert watched.violations() == []
    assert watched.errors == []


XSS = '<img src=x onerror="window.__xss=1;alert(1)">'
SCRIPT = "<script>window.__xss=2</script>"
SVG = '<svg onload="window.__xss=3"></svg>'


@pytest.fixture
def hostile_event(transactional_db):
    """An event whose title, speaker, bio, part, topic, tag and quotes all carry script."""
    from transcripts.event_import import event_import
    from transcripts.parsing import Part, Speaker, Topic, Transcript, Turn

    speaker = Speaker(name=f"黑客{XSS}", slug="heike", bio=f"简介{SVG}", role="guest")
    transcript = Transcript(
        title=f"恶意活动{SCRIPT}",
        slug="hostile",
        intro=f"介绍{XSS}",
        speakers=(speaker,),
        parts=(Part(number=1, title=f"第一部分{SVG}"),),
        topics=(Topic(number=1, title=f"话题{XSS}", part=1),),
        turns=tuple(
            Turn(
                number=n,
                speaker=speaker.name,
                text=f"注入测试 {payload} 结束",
                part=1,
                topic=1,
                tags=(f"标签{XSS}",),
            )
            for n, payload in enumerate((XSS, SCRIPT, SVG), start=1)
        ),
        published=True,
        format="json",
        checksum="hostile",
    )
    return event_import(transcript=transcript).event


def test_hostile_text_is_shown_as_text_and_never_runs(browser, live_server, hostile_event):
    """Even with the CSP switched off in the browser, escaping alone keeps the script inert."""
    from taggit.models import Tag

    tag = Tag.objects.get()
    context = new_context(browser, live_server, bypass_csp=True)
    watched = Watched(context)
    pages = [
        "/",
        "/events/hostile/",
        f"/events/hostile/?tag={tag.slug}",
        "/events/hostile/q/1/",
        "/events/hostile/q/2/",
        "/speakers/",
        "/speakers/heike/",
        "/tags/",
        f"/tags/{tag.slug}/",
        "/search/?q=注入测试",
        "/search/?q=" + XSS,
    ]
    for url in pages:
        assert watched.visit(url).status == 200, url
        page = watched.page
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert page.locator("img[src=x], svg[onload], script:not([src])").count() == 0, url
    assert watched.dialogs == []
    watched.visit("/events/hostile/")
    body = watched.page.locator("main").inner_text()
    assert XSS in body and SCRIPT in body and SVG in body  # the reader sees the text as written
    watched.visit("/search/?q=" + XSS)
    assert watched.page.locator("#search-q").input_value() == XSS
    context.close()
