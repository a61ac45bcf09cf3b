"""Every page type: zero axe-core violations (WCAG 2.0/2.1/2.2 A and AA), nothing scrolls
sideways at 320px, and (with FORUM_SCREENSHOTS=1) screenshots at 320px and 1280px kept in
artifacts/screenshots/."""

from __future__ import annotations

import os

import pytest

from .helpers import (
    AXE_OPTIONS,  # noqa: F401  (imported from here by older tests)
    FOCUS_VISIBLE_JS,
    new_context,
    overflow,
    run_axe,
    same_on_every_database,
    screenshot_path,
    watch,
)
from .pages import PAGE_TYPES

pytestmark = same_on_every_database

@pytest.fixture(scope="module")
def contexts(browser, live_server, signed_in):
    """One browser context per viewer, shared by this module's tests (they only read)."""
    made: dict[str, object] = {}

    def get(role: str):
        if role not in made:
            made[role] = new_context(browser, live_server, storage_state=signed_in[role],
                                     viewport={"width": 1280, "height": 900})
        return made[role]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def open_page(contexts, live_server, sample):
    """Open a page type as its viewer; fails on script errors or CSP reports."""
    opened = []

    def open_(page_type):
        page = contexts(page_type.role).new_page()
        problems = watch(page)
        opened.append((page, problems))
        response = page_type.open(page, live_server, sample)
        assert response is not None and response.status == page_type.status, page_type.name
        return page

    yield open_
    for page, problems in opened:
        page.close()
        assert problems.errors == []


def _screenshot(page, name: str) -> None:
    """Full-page screenshots for people to look through (FORUM_SCREENSHOTS=1): drawing and
    encoding two of every page type cost the suite minutes of CPU, and no assertion reads them."""
    if os.environ.get("FORUM_SCREENSHOTS"):
        page.screenshot(path=screenshot_path(name), full_page=True)


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda p: p.name)
def test_page_has_no_accessibility_violations_and_fits_320px(open_page, page_type):
    """One load of each page type: axe at 1280px, then nothing scrolls sideways at 320px."""
    page = open_page(page_type)
    results = run_axe(page)
    assert results.violations_count == 0, results.generate_report()
    _screenshot(page, f"{page_type.name}-1280")
    assert overflow(page) == 0
    page.set_viewport_size({"width": 320, "height": 640})
    _screenshot(page, f"{page_type.name}-320")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 320:
        culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > 320.5)
            .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' +
                             Math.round(el.getBoundingClientRect().right))""")
        pytest.fail(f"the page is {width}px wide at 320px: {culprits}")


def test_error_and_preview_states_have_no_accessibility_violations(contexts, live_server):
    """What people see after sending a form: the error summary, messages beside fields, a preview."""
    states = []
    page = contexts("visitor").new_page()
    page.goto(live_server.url_for("auth.register"))
    page.get_by_label("Email address").fill("not an address")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    states.append(("register with errors", run_axe(page)))
    page.close()

    page = contexts("author").new_page()
    page.goto(live_server.url_for("discussions.new_thread"))
    page.get_by_label("Your message").fill("A **preview** with a [link](https://example.org)")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    assert page.locator(".error-summary").count() == 1
    states.append(("new discussion with errors", run_axe(page)))
    page.get_by_label("Title").fill("Previewing a discussion")
    page.get_by_label("Board").select_option(label="Introductions")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview").count() == 1
    states.append(("new discussion preview", run_axe(page)))
    page.close()

    for name, results in states:
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"


FOCUS_TOUR = ["home", "thread-moderator", "new-thread", "discussions", "search", "account",
              "moderation-queue", "approvals", "register", "error-404"]


@pytest.mark.parametrize("name", FOCUS_TOUR)
def test_every_tab_stop_shows_where_focus_is(open_page, name):
    """Tab through the whole page: each control shows a visible focus indicator."""
    from .pages import BY_NAME

    page = open_page(BY_NAME[name])
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    seen, stops = set(), 0
    for _ in range(250):
        page.keyboard.press("Tab")
        info = page.evaluate(f"""() => {{
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            return {{key: el.outerHTML.slice(0, 120), visible: ({FOCUS_VISIBLE_JS})(el)}};
        }}""")
        if info is None or info["key"] in seen:
            break  # back at the start
        seen.add(info["key"])
        stops += 1
        assert info["visible"], f"focus is not visible on {info['key']}"
    assert stops >= 3
