"""Drafts in Chromium, with JavaScript (saved by itself every few seconds, announced in a
polite live region) and without (the "Save draft" button): a member called away mid-reply
finds the text again, and posting ends the draft."""

from __future__ import annotations

import factories

from .helpers import make_member, sign_in, submit, unique


def test_a_reply_draft_is_kept_restored_and_ended_by_posting(page, live_server, js):
    member, starter = make_member(live_server), make_member(live_server)
    with live_server.db() as db:
        from forum.members.models import User

        thread_id = factories.thread(db.session.get(User, starter["id"]),
                                     title=f"Compression sleeves {unique('')}").id
    sign_in(page, live_server, member["email"])
    thread_url = live_server.url_for("discussions.show_thread", thread_id=thread_id)
    if js:
        # The page's clock is Playwright's: the autosave's five-second timer is run on at
        # once, not waited for (the draft still goes to the real server).
        page.clock.install()
    page.goto(thread_url)
    form = page.locator("#reply-form")
    status = page.locator("#draft-status")
    assert status.get_attribute("aria-live") == "polite"
    text = "Half written: we measure at the wrist and"

    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    if js:
        page.clock.run_for(6_000)  # more than one autosave interval
        assert posts == []  # nothing typed, nothing sent
        form.get_by_label("Your reply").fill(text)
        page.clock.run_for(6_000)
        page.wait_for_function(
            "() => document.getElementById('draft-status').textContent.startsWith('Draft saved at')",
            timeout=12_000)
    else:
        form.get_by_label("Your reply").fill(text)
        submit(page, form.get_by_role("button", name="Save draft"))
        assert page.locator("#draft-status").inner_text().startswith("Draft saved at")
        assert page.locator("#reply-form").get_by_label("Your reply").input_value() == text

    page.goto(live_server.url_for("community.home"))  # called away
    page.goto(thread_url)
    assert page.locator("#draft-notice").inner_text().startswith("You have a draft from")
    form = page.locator("#reply-form")
    assert form.get_by_label("Your reply").input_value() == text

    form.get_by_label("Your reply").fill(text + " the elbow.")
    submit(page, form.get_by_role("button", name="Post reply"))
    assert page.locator("article.post").filter(has_text="the elbow.").count() == 1
    page.goto(thread_url)
    assert page.locator("#draft-notice").count() == 0
    assert page.locator("#reply-form").get_by_label("Your reply").input_value() == ""


def test_a_new_discussion_draft_can_be_discarded(page, live_server, js):
    member = make_member(live_server)
    sign_in(page, live_server, member["email"])
    page.goto(live_server.url_for("discussions.new_thread"))
    form = page.locator("#thread-form")
    form.get_by_label("Title").fill("Hosiery prescriptions")
    form.get_by_label("Your message").fill("Who prescribes them in your area?")
    submit(page, form.get_by_role("button", name="Save draft"))
    assert page.locator("#draft-status").inner_text().startswith("Draft saved at")
    page.goto(live_server.url_for("discussions.new_thread"))
    assert page.locator("#thread-form").get_by_label("Title").input_value() == \
        "Hosiery prescriptions"
    submit(page, page.get_by_role("button", name="Discard draft"))
    assert "Your draft was discarded." in page.locator(".flash").inner_text()
    assert page.locator("#thread-form").get_by_label("Title").input_value() == ""
    assert page.locator("#draft-notice").count() == 0
