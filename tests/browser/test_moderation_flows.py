"""Moderator flows in Chromium, with JavaScript enabled and disabled: a member reports a post,
a moderator hides it from the queue and the reporter is told; a post with an NHS number is
caught, confirmed and approved from the queue; a moderator locks a discussion from its page."""

from __future__ import annotations

from .helpers import make_member, new_context, sign_in, submit, unique, watch

NHS = "943 476 5919"


def nav(page):
    return page.get_by_role("navigation", name="Main")


def make_thread(server, author: dict, *, title: str, reply_by: dict | None = None,
                reply_body: str = "") -> tuple[int, int | None]:
    import factories

    from forum.members.models import User

    with server.db() as db:
        thread = factories.thread(db.session.get(User, author["id"]), title=title,
                                  board=factories.board("clinical-leadership"))
        reply_id = None
        if reply_by:
            reply_id = factories.reply(db.session.get(User, reply_by["id"]), thread,
                                       body=reply_body).id
        return thread.id, reply_id


def open_as(browser, server, js: bool, person: dict):
    context = new_context(browser, server, js=js)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, server, person["email"], person["password"])
    return context, page, problems


def open_moderation_menu(page, summary: str) -> None:
    """Open a <details> menu (works with and without JavaScript)."""
    page.get_by_text(summary, exact=True).click()


def test_report_hide_from_queue_and_reporter_is_told(browser, live_server, js):
    author = make_member(live_server, display_name=f"Author {unique('')}")
    writer = make_member(live_server, display_name=f"Writer {unique('')}")
    reporter = make_member(live_server, display_name=f"Reporter {unique('')}")
    moderator = make_member(live_server, display_name=f"Mod {unique('')}", role=_moderator())
    body = f"Double the dose, it is always fine {unique('')}"
    thread_id, reply_id = make_thread(live_server, author, title=f"Dosing {unique('')}",
                                      reply_by=writer, reply_body=body)
    thread_url = live_server.url_for("discussions.show_thread", thread_id=thread_id)

    context, page, problems = open_as(browser, live_server, js, reporter)
    page.goto(thread_url)
    submit(page, page.locator(f"#report-{reply_id}"))
    assert page.get_by_role("heading", level=1).inner_text() == "Report this post"
    page.get_by_label("Clinically unsafe or inaccurate").check()
    page.get_by_label("Tell the moderators more").fill("This dose would be dangerous")
    submit(page, page.get_by_role("button", name="Send report"))
    assert "A moderator will look at the post" in page.locator(".flash").inner_text()
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, moderator)
    submit(page, nav(page).get_by_role("link", name="Moderation"))
    assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"
    card = page.locator(f"#reported-{reply_id}")
    assert body in card.inner_text() and "This dose would be dangerous" in card.inner_text()
    card.get_by_label("Note").fill("Unsafe advice on dosing")
    submit(page, card.get_by_role("button", name="Hide post"))
    assert "The post is hidden" in page.locator(".flash").inner_text()
    assert page.locator(f"#reported-{reply_id}").count() == 0
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, author)
    page.goto(thread_url)
    post = page.locator(f"#post-{reply_id}")
    assert "hidden by a moderator" in post.inner_text() and body not in post.inner_text()
    context.close()
    assert problems.errors == []

    message = live_server.mailbox.wait_for(reporter["email"], subject="The post you reported")
    assert "hidden the post you reported" in message.get_body(("plain",)).get_content()
    message = live_server.mailbox.wait_for(writer["email"], subject="hid your post")
    assert "Unsafe advice on dosing" in message.get_body(("plain",)).get_content()


def test_patient_data_is_caught_confirmed_and_approved(browser, live_server, js):
    author = make_member(live_server, display_name=f"Author {unique('')}")
    writer = make_member(live_server, display_name=f"Writer {unique('')}")
    moderator = make_member(live_server, display_name=f"Mod {unique('')}", role=_moderator())
    thread_id, _ = make_thread(live_server, author, title=f"Referrals {unique('')}")
    thread_url = live_server.url_for("discussions.show_thread", thread_id=thread_id)
    text = f"Is {NHS} a test number we can share? {unique('')}"

    context, page, problems = open_as(browser, live_server, js, writer)
    page.goto(thread_url)
    page.locator("#reply-form").get_by_label("Your reply").fill(text)
    submit(page, page.get_by_role("button", name="Post reply"))
    guard = page.locator("#pid-guard")
    assert "an NHS number" in guard.inner_text()
    assert guard.locator("mark").inner_text() == NHS
    assert page.get_by_label("Your reply").input_value() == text  # the text is kept
    page.get_by_label("I have checked: this contains no patient-identifiable information").check()
    submit(page, page.get_by_role("button", name="Post reply"))
    assert page.locator(".flash").count() == 1
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, moderator)
    page.goto(live_server.url_for("moderation.queue"))
    card = page.locator("#pending-list li").filter(has_text=text)
    assert "possible patient data" in card.inner_text()
    submit(page, card.get_by_role("button", name="Approve and publish"))
    assert "The post is published" in page.locator(".flash").inner_text()
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, author)
    page.goto(thread_url)
    assert text in page.locator("#posts").inner_text()
    context.close()
    assert problems.errors == []


def test_moderator_locks_a_discussion_from_its_page(browser, live_server, js):
    author = make_member(live_server, display_name=f"Author {unique('')}")
    moderator = make_member(live_server, display_name=f"Mod {unique('')}", role=_moderator())
    thread_id, _ = make_thread(live_server, author, title=f"Heated {unique('')}")
    thread_url = live_server.url_for("discussions.show_thread", thread_id=thread_id)

    context, page, problems = open_as(browser, live_server, js, moderator)
    page.goto(thread_url)
    open_moderation_menu(page, "Moderate this discussion")
    submit(page, page.locator("#lock-thread"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lock this discussion"
    page.get_by_label("Reason").fill("Taking a break while we check the facts")
    submit(page, page.get_by_role("button", name="Lock discussion"))
    assert "Taking a break while we check the facts" in page.locator("#locked-notice").inner_text()
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, author)
    page.goto(thread_url)
    assert "locked" in page.locator("#reply-refusal").inner_text()
    context.close()
    assert problems.errors == []


def _moderator():
    from forum.members.models import Role

    return Role.MODERATOR


def test_moderator_suspends_a_member_who_is_told_why_at_sign_in(browser, live_server, js):
    import datetime as dt

    author = make_member(live_server, display_name=f"Author {unique('')}")
    member = make_member(live_server, display_name=f"Member {unique('')}")
    moderator = make_member(live_server, display_name=f"Mod {unique('')}", role=_moderator())
    thread_id, _ = make_thread(live_server, author, title=f"Members only {unique('')}")
    until = dt.date.today() + dt.timedelta(days=14)

    context, page, problems = open_as(browser, live_server, js, moderator)
    page.goto(live_server.url_for("members.profile", user_id=member["id"]))
    submit(page, page.locator("#moderate-member"))
    form = page.locator("#suspend-form")
    form.get_by_label("Suspended until").fill(until.isoformat())
    form.get_by_label("Reason (they see it)").fill("Posted a patient's details twice")
    submit(page, form.get_by_role("button", name="Suspend"))
    assert "is suspended" in page.locator(".flash").inner_text()
    assert "Posted a patient's details twice" in page.locator("#member-status").inner_text()
    context.close()
    assert problems.errors == []

    context, page, problems = open_as(browser, live_server, js, member)
    notice = page.locator(".flash").inner_text()
    assert "suspended" in notice and "Posted a patient's details twice" in notice
    assert f"{until.day} {until:%B %Y}" in notice
    response = page.goto(live_server.url_for("discussions.show_thread", thread_id=thread_id))
    assert response is not None and response.status == 403
    context.close()
    assert problems.errors == []
    message = live_server.mailbox.wait_for(member["email"], subject="suspended")
    assert "Posted a patient's details twice" in message.get_body(("plain",)).get_content()
