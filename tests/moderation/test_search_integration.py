"""Moderation and search together: what moderators hide (or three reports hide) leaves the
results once the outbox is applied, and comes back when restored."""

from __future__ import annotations

import pytest

from forum.moderation import services
from tests import factories as f

search_module = pytest.importorskip("forum.search")


def found(query: str, viewer) -> list[int]:
    return [hit.post_id for hit in search_module.search(query, viewer=viewer, per_page=100).hits]


def test_three_reports_drop_a_post_from_search_and_dismissal_restores_it(db, sync):
    author, reader, mod = f.member(), f.member(), f.moderator()
    thread = f.thread(author, title="Mouth care during chemotherapy")
    post = f.reply(author, thread, body="Chlorhexidine mouthwash twice daily worked for us")
    sync()
    assert post.id in found("chlorhexidine", reader)
    for _ in range(3):
        services.report_post(f.member(), post, reason="unsafe")
    sync()
    assert post.id not in found("chlorhexidine", reader)
    services.resolve_reports(mod, post, outcome="dismiss")
    sync()
    assert post.id in found("chlorhexidine", reader)


def test_permanently_deleted_post_leaves_search(db, sync):
    author, reader = f.member(), f.member()
    thread = f.thread(author, title="Lymphoedema garments")
    post = f.reply(author, thread, body="Flat-knit compression garments after measuring")
    sync()
    assert post.id in found("compression", reader)
    post_id = post.id
    services.delete_post_permanently(f.admin(), post, reason="Patient data")
    sync()
    assert post_id not in found("compression", reader)


def test_pending_post_appears_in_search_only_once_approved(app, db, sync):
    app.config["PREMODERATE_FIRST_POSTS"] = 1
    try:
        author, reader = f.member(), f.member()
        thread = f.thread(f.member(approved_post_count=5), title="Dietitian referrals")
        post = f.reply(author, thread, body="Oral nutritional supplements need a referral")
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    sync()
    assert post.pending and post.id not in found("supplements", reader)
    services.approve_post(f.moderator(), post)
    sync()
    assert post.id in found("supplements", reader)
