"""Keeping up: follow a board, get mentioned, see the count, open the notification, change
email preferences, unsubscribe from an email's link. With and without JavaScript."""

from __future__ import annotations

import re

from .helpers import PageChecks, make_member, sign_in, submit, unique

BOARD = "rehab-and-lymphoedema"


def _start_thread(live_server, author_id: int, title: str, body: str) -> None:
    import factories

    from forum.members.models import User

    with live_server.db() as db:
        factories.thread(db.session.get(User, author_id), board=factories.board(BOARD),
                         title=title, body=body)
    live_server.wait_for_outbox()


def test_follow_a_board_get_mentioned_open_it_and_change_preferences(page, live_server, js):
    name = f"Nia {unique('x')}"
    follower = make_member(live_server, display_name=name)
    writer = make_member(live_server, display_name=f"Writer {unique('w')}")
    sign_in(page, live_server, follower["email"])

    page.goto(live_server.url_for("discussions.show_board", slug=BOARD))
    submit(page, page.get_by_role("button", name="Follow this board"))
    assert "Saved what you follow." in page.locator(".flash").inner_text()
    assert page.get_by_role("button", name="Stop following this board").count() == 1

    title = f"Compression garments {unique('t')}"
    _start_thread(live_server, writer["id"], title, f"@{name} how do you measure for them?")
    page.goto(live_server.url_for("community.home"))
    nav = page.get_by_role("link", name=re.compile(r"^Notifications \(1 new\)$"))
    assert nav.count() == 1
    nav.click()
    link = page.get_by_role("link", name=f"{writer['display_name']} mentioned you in “{title}”")
    submit(page, link)
    assert page.locator("h1").inner_text() == title
    assert re.search(r"#post-\d+$", page.url)
    mention = page.locator(f"a[href='/members/{follower['id']}']", has_text=f"@{name}")
    assert mention.count() == 1  # the mention is a link to the profile
    assert page.get_by_role("link", name="Notifications", exact=True).count() == 1  # read now

    page.goto(live_server.url_for("notify.edit_preferences"))
    page.get_by_role("group", name="When someone mentions you").get_by_label(
        "Never by email (only on the site)").check()
    page.get_by_label("Day").select_option(label="Friday")
    submit(page, page.get_by_role("button", name="Save preferences"))
    assert "Your email preferences are saved." in page.locator(".flash").inner_text()
    group = page.get_by_role("group", name="When someone mentions you")
    assert group.get_by_label("Never by email (only on the site)").is_checked()


def test_the_mention_autocomplete_fills_in_a_name(page, live_server, sample, js):
    if not js:
        return  # without JavaScript the name is typed in full (the flow above)
    name = f"Zed {unique('z')}"
    make_member(live_server, display_name=name)
    me = make_member(live_server)
    sign_in(page, live_server, me["email"])
    page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.thread_id))
    box = page.get_by_label("Your reply")
    box.fill("Thanks ")
    box.press_sequentially(f"@{name[:6]}")
    option = page.get_by_role("option", name=name)
    option.wait_for()
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    assert box.input_value() == f"Thanks @{name} "
    assert page.get_by_role("listbox").count() == 0 or page.get_by_role("listbox").is_hidden()


def test_one_click_unsubscribe_pages_pass_axe_and_the_html_checker(page, live_server, tmp_path,
                                                                    js):
    """The confirm page and the POST from it, with and without JavaScript. axe runs in the
    JavaScript run only: its checks wait on timers, and a page with scripts off never runs
    them (that, not the POST, was why the scriptless run hung). The HTML is the same either
    way, so the Nu HTML Checker runs once too."""
    from forum.members.models import User
    from forum.notify import preferences

    member = make_member(live_server)
    with live_server.db() as db:
        token = preferences.unsubscribe_token(db.session.get(User, member["id"]), "replies")
        db.session.commit()
    checks = PageChecks(tmp_path)
    response = page.goto(f"/email/unsubscribe/{token}")  # no session
    assert response.status == 200
    if js:
        checks.keep("unsubscribe-confirm", page, response)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Stop these emails").click()
    assert nav.value.status == 200
    assert "We will not email you replies in discussions you follow" in page.inner_text("main")
    if js:
        checks.keep("unsubscribe-done", page, nav.value)
    with live_server.db():
        assert preferences.settings_for([member["id"]])[member["id"]].replies == "never"
    checks.assert_clean()
