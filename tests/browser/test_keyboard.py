"""Keyboard and screen-reader basics: a skip link to the main content, visible focus, and form
errors announced in an error summary whose links lead to the fields (as NHS.UK forms do)."""

from __future__ import annotations

import itertools

from .helpers import FOCUS_VISIBLE_JS, Keyboard, same_on_every_database

pytestmark = same_on_every_database


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_the_first_tab_stop_is_a_visible_skip_link_to_the_main_content(page, live_server, js):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.evaluate(FOCUS_VISIBLE_JS)
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 10
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert active_id(page) == "main-content"
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the header
    assert page.evaluate("document.getElementById('main-content').contains(document.activeElement)")


def test_headings_start_at_one_h1_and_never_skip_a_level(page, live_server, sample, js):
    for path in ("/", live_server.url_for("auth.register"), live_server.url_for("auth.login")):
        page.goto(path)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
                               ".map(h => +h.tagName[1])")
        assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_form_errors_are_summarised_and_each_links_to_its_field(page, live_server, js):
    page.goto(live_server.url_for("auth.register"))
    kb = Keyboard(page)
    kb.fill(page.get_by_label("Email address"), "not an email address")
    kb.press(page.get_by_role("button", name="Create account"))

    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert page.title().startswith("Error: ")
    if js:  # app.js moves focus to the summary, so screen readers read it first
        assert active_id(page) == "error-summary"
        assert summary.evaluate(FOCUS_VISIBLE_JS)
    links = summary.get_by_role("link")
    assert links.count() >= 3
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")[1:]
        field = page.locator(f"#{target}")
        assert field.count() == 1, target
        # The field is described by its message, and the message is beside it.
        described = (field.get_attribute("aria-describedby") or "").split()
        assert f"{target}-error" in described
        assert page.locator(f"#{target}-error").inner_text().replace("Error:", "").strip() \
            == links.nth(i).inner_text().strip()
        assert field.get_attribute("aria-invalid") == "true"
    # What was typed is kept.
    assert page.get_by_label("Email address").input_value() == "not an email address"

    # Following the first link by keyboard reaches its field.
    first = links.first
    target = first.get_attribute("href")[1:]
    kb.focus(first)
    page.keyboard.press("Enter")
    if js:
        assert active_id(page) == target
    else:
        assert page.url.endswith(f"#{target}")
        page.keyboard.press("Tab")  # sequential focus continues from the field's place
        assert page.evaluate(f"""document.getElementById({target!r}).compareDocumentPosition(
            document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING
            || document.activeElement.id === {target!r}""")


def test_the_main_navigation_says_where_you_are(page, live_server, sample, js):
    nav = page.get_by_role("navigation", name="Main")
    page.goto(live_server.url_for("discussions.list_threads"))
    assert nav.get_by_role("link", name="Discussions").get_attribute("aria-current") == "page"
    page.goto(live_server.url_for("discussions.show_board", slug="introductions"))
    assert nav.get_by_role("link", name="Discussions").get_attribute("aria-current") == "true"
    assert nav.get_by_role("link", name="Alliances").get_attribute("aria-current") is None


def test_the_focus_check_spots_an_invisible_focus(browser, live_server):
    from .helpers import new_context

    context = new_context(browser, live_server)
    page = context.new_page()
    page.set_content("<style>button:focus { outline: none }</style><button>Hidden focus</button>"
                     "<a href='#'>Default focus ring</a>")
    page.keyboard.press("Tab")
    hidden = page.evaluate(f"({FOCUS_VISIBLE_JS})(document.activeElement)")
    page.keyboard.press("Tab")
    shown = page.evaluate(f"({FOCUS_VISIBLE_JS})(document.activeElement)")
    context.close()
    assert (hidden, shown) == (False, True)
