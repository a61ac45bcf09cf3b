"""The newsletter in a browser: a visitor signs up on the home page and confirms from the
email; an organiser composes an issue, previews it as the email and sends a test to
themselves. The email's HTML goes through the Nu HTML Checker. With and without JavaScript."""

from __future__ import annotations

from .helpers import PASSWORD, sign_in, submit, unique
from .test_html import validate


def test_sign_up_on_the_home_page_and_confirm_from_the_email(page, live_server, js):
    email = f"{unique('reader')}@example.org"
    page.goto(live_server.url_for("community.home"))
    box = page.locator("#newsletter-box")
    box.get_by_label("Email address").fill(email)
    box.get_by_label("Name (optional)").fill("Nadia Rahman")
    assert "I can unsubscribe at any time" in box.inner_text()  # the wording, shown
    box.get_by_label("I agree").check()
    submit(page, box.get_by_role("button", name="Sign up"))
    assert page.locator("h1").inner_text() == "Check your email"

    message = live_server.mailbox.wait_for(email, subject="Confirm")
    link = next(u for u in live_server.mailbox.links(message) if "/newsletter/confirm/" in u)
    page.goto(link)
    submit(page, page.get_by_role("button", name="Yes, send me the newsletter"))
    assert page.locator("h1").inner_text() == "You are subscribed"

    from forum.newsletter import subscribers

    row = live_server.run(lambda: (lambda r: (r.status, r.source, r.consent_version))(
        subscribers.find(email)))
    assert row[0] == "subscribed" and row[1] == "home" and row[2]


def test_join_with_the_box_ticked_and_verifying_subscribes(page, live_server, js):
    """One source of truth: the registration box, confirmed by verifying the address, is the
    subscription the account page then shows (its only newsletter control)."""
    from forum.newsletter import consent

    email = f"{unique('joiner')}@nhs.net"
    page.goto(live_server.url_for("auth.register"))
    form = page.locator("#register-form")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Display name").fill(f"Joy {unique('')}")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    form.get_by_label("Profession").select_option(label="District or community nurse")
    form.get_by_label("Cancer alliance").select_option(label="South East London")
    assert consent.current_text() in form.locator("#newsletter-hint").inner_text()  # beside it
    form.get_by_label("I agree: send me the newsletter").check()
    form.get_by_label("I have read the community guidelines", exact=False).check()
    submit(page, form.get_by_role("button", name="Create account"))
    assert page.locator("h1").inner_text() == "Check your email"

    message = live_server.mailbox.wait_for(email, subject="Confirm your email address")
    page.goto(next(u for u in live_server.mailbox.links(message) if "/verify/" in u))
    submit(page, page.get_by_role("button", name="Confirm my email address"))
    live_server.wait_for_outbox()  # members.email_verified reaches the newsletter
    sign_in(page, live_server, email)
    page.goto(live_server.url_for("members.edit_account"))
    assert "You get the newsletter" in page.locator("#newsletter-status").inner_text()
    assert page.locator("#newsletter-stop").count() == 1
    assert page.locator("#account-form input[type=checkbox]").count() == 1  # replies only


def test_compose_preview_and_send_a_test(page, live_server, sample, js):
    organiser = sample.organiser
    sign_in(page, live_server, organiser["email"])
    page.goto(live_server.url_for("admin.index"))
    page.get_by_role("link", name="Newsletter").first.click()
    page.get_by_role("link", name="Write a new issue").click()
    subject = f"Winter news {unique('s')}"
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Introduction").fill("Hello **everyone**: three webinars in January.")
    page.locator("#items").get_by_role("checkbox").first.check()
    submit(page, page.get_by_role("button", name="Save and preview"))
    assert page.locator("h1").inner_text() == f"Preview: {subject}"
    frame = page.frame_locator("#email-preview")
    assert frame.locator("strong", has_text="everyone").count() == 1
    assert "Hello **everyone**" in page.locator("#email-text").inner_text()

    submit(page, page.get_by_role("button", name=f"Send a test to me ({organiser['email']})"))
    assert "A test copy is on its way" in page.locator(".flash").inner_text()
    message = live_server.mailbox.wait_for(organiser["email"], subject=f"[Test] {subject}")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<strong>everyone</strong>" in message.get_body(("html",)).get_content()


def test_the_newsletter_email_is_valid_html(live_server, sample, tmp_path):
    from forum.newsletter import issues
    from forum.newsletter.models import Issue

    def render() -> str:
        with live_server.app.test_request_context():
            from forum.extensions import db

            return issues.preview(db.session.get(Issue, sample.newsletter["draft_id"])).html

    path = tmp_path / "newsletter-email.html"
    path.write_text(live_server.run(render))
    assert validate([path]) == {path.name: []}
