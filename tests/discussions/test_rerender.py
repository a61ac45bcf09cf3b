"""`flask content rerender`: stored HTML is rebuilt from the source after markup changes."""

from __future__ import annotations

from sqlalchemy import select

from forum.discussions.models import Post, PostRevision
from forum.markup import render
from forum.outbox import pending_count
from tests import factories as f


def test_rerender_rebuilds_stale_html_of_posts_and_revisions(db, runner):
    author = f.member()
    thread = f.thread(author, body="Use **bold** <script>alert(1)</script>")
    reply = f.reply(author, thread, body="Plain reply")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                   Post.is_opening.is_(True)))
    # HTML made under an older, looser allow-list.
    opening.body_html = "<p>Use <b>bold</b> <script>alert(1)</script></p>"
    for revision in db.session.scalars(select(PostRevision).where(
            PostRevision.post_id == opening.id)):
        revision.body_html = opening.body_html
    db.session.commit()
    before = pending_count("search")

    result = runner.invoke(args=["content", "rerender"])

    assert result.exit_code == 0, result.output
    assert "2 post versions re-rendered" in result.output
    db.session.expire_all()
    fresh = db.session.get(Post, opening.id)
    assert fresh.body_html == render(fresh.body_source)
    assert "<script" not in fresh.body_html
    assert all("<script" not in r.body_html for r in db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == opening.id)))
    assert db.session.get(Post, reply.id).body_html == render("Plain reply")
    assert pending_count("search") == before + 1  # only the changed post is re-indexed


def test_rerender_with_nothing_stale_changes_nothing(db, runner):
    f.thread(f.member())
    result = runner.invoke(args=["content", "rerender"])
    assert result.exit_code == 0
    assert "0 post versions re-rendered" in result.output


def test_a_post_saved_before_the_rendering_limits_rerenders_as_its_plain_text(db, runner):
    author = f.member()
    thread = f.thread(author)
    reply = f.reply(author, thread)
    reply.body_source = "<b>" + "[" * 5_000 + "\n\nsecond"  # past today's limits
    db.session.commit()

    result = runner.invoke(args=["content", "rerender"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    html = db.session.get(Post, reply.id).body_html
    assert html == "<p>&lt;b&gt;" + "[" * 5_000 + "</p>\n<p>second</p>"
