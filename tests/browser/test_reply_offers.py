"""Reply is offered only where a reply will be taken: not under a hidden post (the sample
thread's fifth reply is hidden by a moderator), and its reply page says so up front."""

from __future__ import annotations

from .helpers import new_context


def test_no_reply_link_under_a_hidden_post_and_its_reply_page_says_why(browser, live_server,
                                                                        sample, signed_in):
    hidden, shown = sample.reply_ids[4], sample.reply_ids[3]
    for role in ("reader", "moderator"):
        context = new_context(browser, live_server, storage_state=signed_in[role])
        page = context.new_page()
        page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.thread_id))
        assert page.locator(f"#post-{hidden}").get_by_role("link", name="Reply").count() == 0
        assert page.locator(f"#post-{shown}").get_by_role("link", name="Reply").count() == 1
        response = page.goto(live_server.url_for("discussions.reply_to_post", post_id=hidden))
        assert response.status == 403
        assert "hidden by a moderator" in page.locator("#reply-refusal").inner_text()
        assert page.locator("#reply-form").count() == 0
        context.close()
