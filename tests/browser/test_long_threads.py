"""A long discussion in Chromium, with JavaScript and without: it pages, "Jump to latest"
lands on the newest post, and a long branch opens on a page of its own."""

from __future__ import annotations

import re

from .helpers import Keyboard, new_context, sign_in


def open_as_reader(browser, live_server, sample, js: bool):
    context = new_context(browser, live_server, js=js)
    page = context.new_page()
    sign_in(page, live_server, sample.reader["email"])
    return context, page


def test_a_long_thread_pages_and_jump_to_latest_lands_on_the_newest_post(
        browser, live_server, sample, js):
    context, page = open_as_reader(browser, live_server, sample, js)
    try:
        kb = Keyboard(page)
        page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.long_thread_id))
        pages = page.get_by_role("navigation", name="Pages of replies")
        assert pages.locator('[aria-current="page"]').inner_text() == "1"
        # The pages come after 50 posts' worth of links: focus the link, then use the keyboard.
        pages.get_by_role("link", name="Next page").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"page=2"))
        pages = page.get_by_role("navigation", name="Pages of replies")
        assert pages.locator('[aria-current="page"]').inner_text() == "2"
        assert page.locator("article.post").filter(has_text="Top-level reply 51").count() == 1
        assert page.locator("article.post").filter(has_text="Top-level reply 2 ").count() == 0

        page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.long_thread_id))
        kb.press(page.get_by_role("link", name="Jump to latest"))
        page.wait_for_url(re.compile(r"page=2#post-\d+$"))
        target = page.url.rsplit("#", 1)[1]
        latest = page.locator(f"article#{target}")
        assert "Top-level reply 51" in latest.inner_text()
        assert latest.is_visible()
        box = latest.bounding_box()
        assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    finally:
        context.close()


def test_a_long_branch_opens_on_a_page_of_its_own(browser, live_server, sample, js):
    context, page = open_as_reader(browser, live_server, sample, js)
    try:
        kb = Keyboard(page)
        page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.long_thread_id))
        assert page.locator("article.post").filter(has_text="Branch reply 12").count() == 0
        kb.press(page.get_by_role("link", name=re.compile(r"^Show 3 more replies")))
        page.wait_for_url(re.compile(rf"/posts/{sample.branch_id}/replies"))
        assert page.locator("article.post").filter(has_text="Branch reply 12").count() == 1
        assert page.get_by_role("link", name="Back to the whole discussion").is_visible()
    finally:
        context.close()
