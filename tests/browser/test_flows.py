"""The core flows, walked as a new member would, with the keyboard alone, in Chromium with
JavaScript enabled and with it disabled: join, confirm the email address from a real email,
sign in, start a discussion, reply, reply to a reply, edit with a preview, narrow the list,
sign out; and a member from a non-NHS address approved by a moderator."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from .helpers import PASSWORD as MEMBER_PASSWORD
from .helpers import Keyboard, make_member, new_context, sign_in, unique, watch

PASSWORD = "plum tractor origami lantern"


def nav(page):
    return page.get_by_role("navigation", name="Main")


def join(page, kb: Keyboard, server, *, email: str, name: str) -> None:
    """From the home page to "Check your email", by the keyboard."""
    page.goto("/")
    kb.press(nav(page).get_by_role("link", name="Join"))
    form = page.locator("#register-form")
    kb.fill(form.get_by_label("Email address"), email)
    kb.fill(form.get_by_label("Display name"), name)
    kb.fill(form.get_by_label("Password", exact=True), PASSWORD)
    kb.fill(form.get_by_label("Confirm password"), PASSWORD)
    kb.choose(form.get_by_label("Profession"), "District or community nurse")
    kb.choose(form.get_by_label("Cancer alliance"), "South East London")
    kb.fill(form.get_by_label("Organisation"), "Lewisham and Greenwich NHS Trust")
    kb.check(form.get_by_label("I have read the community guidelines", exact=False))
    kb.press(form.get_by_role("button", name="Create account"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"


def confirm_from_email(page, kb: Keyboard, server, email: str) -> None:
    """Open the link in the real email the SMTP server received, and confirm."""
    message = server.mailbox.wait_for(email, subject="Confirm your email address")
    links = [link for link in server.mailbox.links(message) if "/verify/" in link]
    assert len(links) == 1, message.get_body(("plain",)).get_content()
    assert links[0].startswith(server.url)
    page.goto(links[0])
    kb.press(page.get_by_role("button", name="Confirm my email address"))


def sign_in_by_keyboard(page, kb: Keyboard, email: str, password: str = PASSWORD) -> None:
    form = page.locator("#login-form")
    kb.fill(form.get_by_label("Email address"), email)
    kb.fill(form.get_by_label("Password", exact=True), password)
    kb.press(form.get_by_role("button", name="Sign in"))


def post_by_text(page, text: str):
    return page.locator("article.post").filter(has_text=text)


def test_a_new_member_joins_discusses_and_signs_out(page, live_server, sample, js):
    kb = Keyboard(page)
    email, name = f"{unique('nurse')}@nhs.net", f"Dee {unique('')}"
    title = f"Tips for a dietitian-led clinic {unique('')}"

    # Join, confirm the address from the email, sign in.
    join(page, kb, live_server, email=email, name=name)
    confirm_from_email(page, kb, live_server, email)
    assert page.get_by_role("heading", level=1).inner_text() == "Your account is ready"
    kb.press(page.locator("main").get_by_role("link", name="Sign in"))
    sign_in_by_keyboard(page, kb, email)
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert f"Welcome back, {name}" in page.locator(".flash").inner_text()

    # Start a discussion with an alliance and two profession tags.
    kb.press(nav(page).get_by_role("link", name="Discussions"))
    kb.press(page.locator("main").get_by_role("link", name="Start a discussion"))
    form = page.locator("#thread-form")
    kb.fill(form.get_by_label("Title"), title)
    kb.choose(form.get_by_label("Board"), "Enhanced supportive care")
    kb.choose(form.get_by_label("Which alliance is this for?"), "South East London")
    kb.check(form.get_by_label("District or community nurse"))
    kb.check(form.get_by_label("Dietitian"))
    kb.fill(form.get_by_label("Your message"), "How do you set up **nutrition** support?")
    kb.press(form.get_by_role("button", name="Start discussion"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    tags = page.get_by_role("list", name="Professions")
    assert sorted(tags.get_by_role("link").all_inner_texts()) == ["Dietitian",
                                                                  "District or community nurse"]
    assert "South East London" in page.locator(".thread-meta").inner_text()
    assert page.locator(".post__body strong").inner_text() == "nutrition"
    thread_url = page.url.split("#")[0]

    # Reply to the discussion.
    kb.fill(page.locator("#reply-form").get_by_label("Your reply"), "First reply: we use a MUST score.")
    kb.press(page.locator("#reply-form").get_by_role("button", name="Post reply"))
    first = post_by_text(page, "First reply: we use a MUST score.")
    assert first.count() == 1

    # Reply to that reply: it is nested under it.
    kb.press(first.get_by_role("link", name=f"Reply to {name}"))
    form = page.locator("#reply-form")
    kb.fill(form.get_by_label(f"Reply to {name}"), "Nested reply: and a dietitian clinic weekly.")
    kb.press(form.get_by_role("button", name="Post reply"))
    nested = post_by_text(page, "Nested reply: and a dietitian clinic weekly.")
    assert nested.count() == 1
    first_item = page.locator("#posts > li").filter(has=first)
    assert first_item.locator(".post__replies article.post").filter(
        has_text="Nested reply").count() == 1

    # Edit the nested reply, preview it, then save.
    kb.press(nested.get_by_role("link", name="Edit this post"))
    form = page.locator("#edit-form")
    new_text = "Nested reply, edited: a _weekly_ dietitian clinic **since May**."
    kb.fill(form.get_by_label("Your message"), new_text)
    kb.press(form.get_by_role("button", name="Preview"))
    preview = page.get_by_role("region", name="Preview")
    assert preview.locator("strong").inner_text() == "since May"
    assert preview.locator("em").inner_text() == "weekly"
    assert page.locator("#edit-form").get_by_label("Your message").input_value() == new_text
    kb.press(page.locator("#edit-form").get_by_role("button", name="Save changes"))
    edited = post_by_text(page, "dietitian clinic since May")
    assert edited.count() == 1
    assert edited.get_by_role("link", name="edited").count() == 1

    # Narrow the list of discussions by alliance and profession.
    kb.press(nav(page).get_by_role("link", name="Discussions"))
    filters = page.locator("#thread-filters")
    kb.choose(filters.get_by_label("Alliance"), "South East London")
    kb.choose(filters.get_by_label("Profession"), "Dietitian")
    kb.press(filters.get_by_role("button", name="Show discussions"))
    query = parse_qs(urlparse(page.url).query)
    assert query["alliance"] == ["south-east-london"] and query["profession"] == ["dietitian"]
    titles = page.locator("#thread-list .thread-list__title").all_inner_texts()
    assert title in [t.strip() for t in titles]
    assert "Running a lymphoedema clinic in primary care" not in titles
    kb.choose(page.locator("#thread-filters").get_by_label("Profession"), "Pharmacist")
    kb.press(page.locator("#thread-filters").get_by_role("button", name="Show discussions"))
    assert title not in page.locator("main").inner_text()

    # Sign out.
    kb.press(nav(page).get_by_role("button", name="Sign out"))
    assert nav(page).get_by_role("link", name="Sign in").is_visible()
    assert "You have signed out" in page.locator(".flash").inner_text()
    page.goto(thread_url)  # a members-only board: back to signing in
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"


def test_a_member_from_another_domain_waits_for_a_moderator(browser, page, live_server, sample, js):
    kb = Keyboard(page)
    email, name = f"{unique('partner')}@gmail.com", f"Pat {unique('')}"
    join(page, kb, live_server, email=email, name=name)
    confirm_from_email(page, kb, live_server, email)
    assert page.get_by_role("heading", level=1).inner_text() == "Waiting for a moderator"

    # Not yet: signing in says why.
    page.goto(live_server.url_for("auth.login"))
    sign_in_by_keyboard(page, kb, email)
    assert "waiting for a moderator" in page.locator(".error-summary").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0

    # A moderator approves them from the approval list, by keyboard too.
    moderator = new_context(browser, live_server, js=js)
    mod_page = moderator.new_page()
    problems = watch(mod_page)
    mod_kb = Keyboard(mod_page)
    sign_in(mod_page, live_server, sample.moderator["email"])
    mod_kb.press(nav(mod_page).get_by_role("link", name="Moderation"))
    if "/members/approvals" not in mod_page.url:
        mod_page.goto(live_server.url_for("members.approvals"))
    row = mod_page.get_by_role("row").filter(has_text=email)
    assert row.count() == 1
    mod_kb.press(row.get_by_role("button", name=f"Approve {name}"))
    assert f"{name} has been approved" in mod_page.locator(".flash").inner_text()
    assert mod_page.get_by_role("row").filter(has_text=email).count() == 0
    moderator.close()
    assert problems.errors == []

    # They are told by email, and can now sign in.
    message = live_server.mailbox.wait_for(email, subject="account is ready")
    assert re.search(r"sign in|signin|login", message.get_body(("plain",)).get_content(), re.I)
    page.goto(live_server.url_for("auth.login"))
    sign_in_by_keyboard(page, kb, email)
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_a_member_resets_a_forgotten_password_from_the_email(page, live_server, js):
    kb = Keyboard(page)
    member = make_member(live_server, display_name=f"Forgetful {unique('')}")
    page.goto(live_server.url_for("auth.login"))
    kb.press(page.get_by_role("link", name="Forgotten your password?"))
    kb.fill(page.get_by_label("Email address"), member["email"])
    kb.press(page.get_by_role("button", name="Send reset link"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    message = live_server.mailbox.wait_for(member["email"], subject="Reset your password")
    links = [link for link in live_server.mailbox.links(message) if "/reset-password/" in link]
    assert len(links) == 1
    page.goto(links[0])
    new_password = "marble kettle violin harbour"
    kb.fill(page.get_by_label("Password", exact=True), new_password)
    kb.fill(page.get_by_label("Confirm password"), new_password)
    kb.press(page.get_by_role("button", name="Change password"))
    assert "Your password has been changed" in page.locator(".flash").inner_text()

    sign_in_by_keyboard(page, kb, member["email"], new_password)
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.goto(links[0])  # the link works once
    assert page.get_by_role("heading", level=1).inner_text() != "Choose a new password"


def test_a_member_deletes_their_reply_and_it_stays_in_the_tree(page, live_server, sample, js):
    import factories

    from forum.discussions.models import Thread
    from forum.members.models import User

    kb = Keyboard(page)
    member = make_member(live_server, display_name=f"Second thoughts {unique('')}")
    text = f"I should not have said this {unique('')}"
    with live_server.db() as db:
        thread = db.session.get(Thread, sample.thread_id)
        mine = factories.reply(db.session.get(User, member["id"]), thread, body=text)
        answer = factories.reply(db.session.get(User, sample.reader["id"]), thread, reply_to=mine,
                                 body=f"An answer to it {unique('')}")
        mine_id, answer_id = mine.id, answer.id
    sign_in_by_keyboard_from_home(page, kb, member["email"])
    page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.thread_id))
    kb.press(page.locator(f"#post-{mine_id}").get_by_role("link", name="Delete this post"))
    assert "delete your post" in page.get_by_role("heading", level=1).inner_text()
    kb.press(page.get_by_role("button", name="Delete post"))
    assert "Your post has been deleted" in page.locator(".flash").inner_text()
    deleted = page.locator(f"#post-{mine_id}")
    assert "Deleted by its author" in deleted.inner_text()
    assert text not in page.locator("main").inner_text()
    # The answer to it is still there, nested under the deleted post.
    assert page.locator(f"li:has(> #post-{mine_id}) #post-{answer_id}").count() == 1


def sign_in_by_keyboard_from_home(page, kb: Keyboard, email: str) -> None:
    page.goto("/")
    kb.press(nav(page).get_by_role("link", name="Sign in"))
    sign_in_by_keyboard(page, kb, email, MEMBER_PASSWORD)
