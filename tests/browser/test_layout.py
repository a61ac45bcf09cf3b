"""What a person sees on a phone and on a desktop: the header and its Menu button, the audit log,
the main menu's items, and the site's icon."""

from __future__ import annotations

import pytest

from .helpers import make_member, new_context, same_on_every_database, sign_in, unique

pytestmark = same_on_every_database

PHONES = {320: 568, 375: 667, 800: 1024}  # width: height (the last a tablet)

# Words (split at spaces, hyphens, slashes and an address's @, where a line may break) drawn
# on two lines.
BROKEN_WORDS = """root => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/[^\\s\\-\u2013\u2014\\/@]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""

LINES_OF_TEXT = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter(r => r.width > 0)
                 .map(r => Math.round(r.bottom))).size;
}"""


def phone(browser, live_server, width: int, *, js: bool = True, state=None):
    return new_context(browser, live_server, js=js, storage_state=state,
                       viewport={"width": width, "height": PHONES.get(width, 800)})


def menu_link(page):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Discussions")


@pytest.mark.parametrize("width", sorted(PHONES))
def test_on_a_phone_or_tablet_the_header_is_short_and_the_menu_folds_behind_a_button(
        browser, live_server, signed_in, width):
    context = phone(browser, live_server, width, state=signed_in["moderator"])
    page = context.new_page()
    page.goto(live_server.url_for("discussions.list_threads"))
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= PHONES[width] / 4, f"header is {header['height']} px of {PHONES[width]}"
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "site-nav-list"
    assert not menu_link(page).is_visible()

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert menu_link(page).is_visible()
    items = page.locator("#site-nav-list > li")
    assert all(items.nth(i).bounding_box()["width"] <= width for i in range(items.count()))
    button.click()
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu_link(page).is_visible()
    context.close()


def test_the_menu_button_works_from_the_keyboard(browser, live_server, signed_in):
    context = phone(browser, live_server, 320, state=signed_in["reader"])
    page = context.new_page()
    page.goto(live_server.url_for("community.home"))
    button = page.get_by_role("button", name="Menu")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Menu":
            break
    else:
        raise AssertionError("Tab never reached the Menu button")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Discussions"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    context.close()


def test_without_javascript_the_menu_is_shown_and_there_is_no_button(browser, live_server, signed_in):
    context = phone(browser, live_server, 320, js=False, state=signed_in["reader"])
    page = context.new_page()
    page.goto(live_server.url_for("community.home"))
    assert page.get_by_role("button", name="Menu").count() == 0
    assert menu_link(page).is_visible()
    context.close()


def test_on_a_desktop_the_menu_is_shown_without_a_button(browser, live_server, signed_in):
    context = phone(browser, live_server, 1280, state=signed_in["reader"])
    page = context.new_page()
    page.goto(live_server.url_for("community.home"))
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert menu_link(page).is_visible()
    context.close()


@pytest.fixture(scope="module")
def audited(live_server, sample):
    """Audit entries with long reasons and before/after values, as a moderator leaves them."""
    import factories

    from forum.members.models import User
    from forum.moderation import services as moderation

    with live_server.db() as db:
        moderator = db.session.get(User, sample.moderator["id"])
        author = db.session.get(User, sample.author["id"])
        thread = factories.thread(author, title="Anticipatory prescribing in end-of-life care",
                                  board=factories.board("clinical-leadership"))
        moderation.move_thread(moderator, thread, board=factories.board("enhanced-supportive-care"),
                               alliance=factories.alliance("south-east-london"),
                               reason="Belongs with the enhanced supportive care discussions")
        moderation.lock_thread(moderator, thread,
                               reason="Resolved: the guidance was confirmed by the palliative team")


TABLES = {"audit log": ("moderation.audit_log", "#audit-table", ["When", "Who", "What"]),
          "approvals": ("members.approvals", "#approvals-table", ["Name", "Profession"])}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", sorted(TABLES))
def test_moderators_tables_read_whole_at_320_and_1280_px(browser, live_server, signed_in, audited,
                                                         name, width):
    endpoint, selector, first_labels = TABLES[name]
    context = phone(browser, live_server, width, state=signed_in["moderator"])
    page = context.new_page()
    page.goto(live_server.url_for(endpoint))
    table = page.locator(selector)
    assert table.locator("tbody tr").count() >= 1
    cut_off = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
    widest = table.evaluate("""t => [...t.querySelectorAll('td')]
      .flatMap(td => td.textContent.split(/\\s+/)).sort((a, b) => b.length - a.length)[0]""")
    assert cut_off <= 1, (f"the {name} is {cut_off} px wider than its box at {width} px "
                          f"(longest word {widest!r})")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert table.locator("tbody").evaluate(BROKEN_WORDS) == []
    if width == 320:  # stacked: each value says what it is
        labels = table.locator("tbody tr").first.evaluate("""row => [...row.cells]
          .filter(td => td.offsetHeight > 0)
          .map(td => getComputedStyle(td, '::before').content)""")
        assert labels[:len(first_labels)] == [f'"{label}: "' for label in first_labels], labels
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_notifications_with_a_count_is_one_line_with_one_underline(browser, live_server, width):
    import factories

    from forum.members.models import User
    from forum.moderation import services as moderation

    person = make_member(live_server, display_name=f"Notified {unique('')}")
    with live_server.db() as db:
        me = db.session.get(User, person["id"])
        moderator = factories.moderator()
        thread = factories.thread(me, title="Who else runs a lymphoedema clinic?")
        for n in range(3):  # each hidden reply tells its author: three new notifications
            post = factories.reply(me, thread, body=f"Reply {n + 1}, to be hidden by a moderator.")
            moderation.hide_post(moderator, post, reason="A phone number")
    context = phone(browser, live_server, 1280)
    page = context.new_page()
    sign_in(page, live_server, person["email"])
    page.set_viewport_size({"width": width, "height": PHONES.get(width, 800)})
    page.goto(live_server.url_for("notify.notifications"))
    button = page.get_by_role("button", name="Menu")
    if button.is_visible():
        button.click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications (3 new)")
    assert link.evaluate(LINES_OF_TEXT) == 1
    # One underline: not broken into pieces around the brackets and the space.
    assert link.evaluate("el => getComputedStyle(el).textDecorationSkipInk") == "none"
    context.close()


def test_every_page_has_our_icon_and_nothing_it_asks_for_is_missing(browser, live_server):
    context = new_context(browser, live_server)
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(live_server.url_for("community.home"))
    icons = page.eval_on_selector_all("link[rel~=icon], link[rel=apple-touch-icon]",
                                      "links => links.map(l => [l.type, l.href])")
    assert {kind for kind, _ in icons} >= {"image/svg+xml"} and len(icons) >= 2
    for href in [href for _, href in icons] + [f"{live_server.url}/favicon.ico"]:
        response = context.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith("image/"), href
        assert len(response.body()) > 100, href
    svg = context.request.get(f"{live_server.url}/static/favicon.svg").text()
    assert "#005eb8" in svg.lower()
    assert missing == []
    context.close()


def test_send_warning_is_not_a_green_go_button(browser, live_server, sample, signed_in):
    context = new_context(browser, live_server, storage_state=signed_in["moderator"])
    page = context.new_page()
    page.goto(live_server.url_for("moderation.member", user_id=sample.reader["id"]))
    colours = {name: page.get_by_role("button", name=name).evaluate(
        "el => getComputedStyle(el).backgroundColor") for name in ("Send warning", "Suspend")}
    green = "rgb(0, 127, 59)"
    assert green not in colours.values(), colours
    context.close()
