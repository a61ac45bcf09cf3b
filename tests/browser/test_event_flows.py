"""Events in Chromium, with JavaScript enabled and disabled: an organiser creates and publishes
an event, one member takes the only place, another joins the waiting list and is promoted
(and emailed) when the first cancels; a visitor signs up as a guest from the emailed link."""

from __future__ import annotations

from datetime import timedelta

from .helpers import make_member, new_context, sign_in, submit, unique, watch


def _admin():
    from forum.members.models import Role

    return Role.ADMIN


def _member_page(browser, live_server, js, email: str):
    context = new_context(browser, live_server, js=js)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, live_server, email)
    return context, page, problems


def test_create_an_event_sign_up_wait_and_get_promoted(page, browser, live_server, js):
    from forum.db import utcnow

    organiser = make_member(live_server, display_name=f"Organiser {unique('')}", role=_admin())
    first = make_member(live_server, display_name=f"First {unique('')}")
    second = make_member(live_server, display_name=f"Second {unique('')}")
    title = f"Webinar on delirium {unique('')}"
    day = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%d")

    sign_in(page, live_server, organiser["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    submit(page, page.get_by_role("link", name="Create an event"))
    form = page.locator("#event-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Start date").fill(day)
    form.get_by_label("Start time").fill("12:30")
    form.get_by_label("End date").fill(day)
    form.get_by_label("End time").fill("11:00")  # before the start: refused beside the field
    form.get_by_label("Number of places").fill("1")
    form.get_by_label("Joining link (Teams or Zoom)").fill("https://teams.example/join/flow")
    form.get_by_label("Description (Markdown)").fill("Bring a **case** to discuss.")
    submit(page, form.get_by_role("button", name="Save as a draft"))
    assert "The end must be after the start" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == title  # what was typed is kept
    page.locator("#event-form").get_by_label("End time").fill("13:30")
    submit(page, page.locator("#event-form").get_by_role("button", name="Save as a draft"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert "Draft" in page.locator("#event-tags").inner_text()
    submit(page, page.get_by_role("button", name="Publish"))
    assert "Event published" in page.locator(".flash").inner_text()
    event_path = page.url.removeprefix(live_server.url)

    first_context, first_page, first_problems = _member_page(browser, live_server, js, first["email"])
    first_page.goto(event_path)
    assert "The joining link is shown here" in first_page.locator("#event-link").inner_text()
    submit(first_page, first_page.get_by_role("button", name="Sign up"))
    assert "You have a place." in first_page.locator("#signup-status").inner_text()
    assert first_page.get_by_role("link", name="Join the event online").get_attribute("href") == \
        "https://teams.example/join/flow"

    second_context, second_page, second_problems = _member_page(browser, live_server, js, second["email"])
    second_page.goto(event_path)
    submit(second_page, second_page.get_by_role("button", name="Join the waiting list"))
    assert "number 1 on the waiting list" in second_page.locator("#signup-status").inner_text()
    assert second_page.get_by_role("link", name="Join the event online").count() == 0

    submit(first_page, first_page.get_by_role("button", name="Cancel my place"))
    assert "Your sign-up is cancelled." in first_page.locator(".flash").inner_text()
    second_page.reload()
    assert "You have a place." in second_page.locator("#signup-status").inner_text()
    email = live_server.mailbox.wait_for(second["email"], subject="A place has come up")
    assert "Join online: https://teams.example/join/flow" in email.get_body(("plain",)).get_content()
    assert [part.get_content_type() for part in email.iter_attachments()] == ["text/calendar"]
    for context, problems in ((first_context, first_problems), (second_context, second_problems)):
        context.close()
        assert problems.errors == []


def test_a_visitor_signs_up_as_a_guest_through_the_emailed_link(page, live_server, sample, js):
    email = f"{unique('guest')}@example.org"
    page.goto(live_server.url_for("events.show_event", event_id=sample.event_id))
    form = page.locator("#guest-form")
    form.get_by_label("Full name").fill("Gita Guest")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Profession").fill("Dietitian")
    submit(page, form.get_by_role("button", name="Sign up as a guest"))
    assert "Enter your organisation" in page.locator("#error-summary").inner_text()
    assert page.locator("#guest-form").get_by_label("Full name").input_value() == "Gita Guest"
    page.locator("#guest-form").get_by_label("Organisation").fill("St Example Hospice")
    submit(page, page.locator("#guest-form").get_by_role("button", name="Sign up as a guest"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    message = live_server.mailbox.wait_for(email, subject="Confirm your email address to sign up")
    (link,) = [u for u in live_server.mailbox.links(message) if "/events/guest/" in u]
    page.goto(link)
    submit(page, page.get_by_role("button", name="Confirm my place"))
    assert page.get_by_role("heading", level=1).inner_text() == "You have a place"
    confirmation = live_server.mailbox.wait_for(email, subject="Your place")
    assert "Join online: https://teams.example/join/abc" in confirmation.get_body(("plain",)).get_content()
