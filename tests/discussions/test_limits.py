"""Input past the rendering limits is refused beside the field with the text kept, for
Preview as for posting; previews and posts are rate-limited per member."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.discussions.models import Post
from tests import factories as f
from tests.conftest import rate_limited_app

COSTLY = "[" * 3_000 + " why is this so slow"  # far under 50,000 characters


def _data(**changes) -> dict:
    data = {"title": "Fatigue clinics", "board": str(f.board().id), "alliance": "",
            "body": COSTLY}
    data.update(changes)
    return data


def _posts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


@pytest.fixture
def member(db, client):
    user = f.member()
    f.sign_in(client, user)
    return user


@pytest.mark.parametrize("preview", [False, True])
def test_starting_a_discussion_past_the_limits_says_why_and_keeps_the_text(
        client, db, member, preview):
    data = _data(**({"preview": "1"} if preview else {}))
    html = client.post("/discussions/new", data=data).get_data(as_text=True)
    assert "more than 2,000 formatting characters" in html
    assert 'class="error-message"' in html
    assert COSTLY + "</textarea>" in html
    assert 'id="preview"' not in html
    assert _posts(db) == 0


def test_a_reply_or_an_edit_past_the_limits_says_why_and_keeps_the_text(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread)
    for url, data in ((f"/threads/{thread.id}/reply", {"body": COSTLY}),
                      (f"/posts/{post.id}/reply", {"body": COSTLY}),
                      (f"/posts/{post.id}/edit", {"body": COSTLY}),
                      (f"/posts/{post.id}/edit", {"body": COSTLY, "preview": "1"})):
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "more than 2,000 formatting characters" in html, url
        assert COSTLY + "</textarea>" in html, url
    assert _posts(db) == 2


@pytest.fixture
def limited(app, database_url, tmp_path):
    with rate_limited_app(app, database_url, tmp_path, PREVIEW_RATE_LIMIT="3 per minute",
                          POST_RATE_LIMIT="2 per minute", PREMODERATE_FIRST_POSTS=0) as fresh, \
            fresh.app_context():
        yield fresh


def test_previews_are_limited_per_member_beside_the_field(db, limited):
    client = limited.test_client()
    someone, other = f.member(), f.member()
    f.sign_in(client, someone)
    body = "Try **pacing** first"
    pages = [client.post("/discussions/new", data=_data(body=body, preview="1"))
             for _ in range(4)]
    assert all(p.status_code == 200 for p in pages)
    assert ["<strong>pacing</strong>" in p.get_data(as_text=True) for p in pages] == [
        True, True, True, False]
    refused = pages[-1].get_data(as_text=True)
    assert "You have previewed a lot in the last few minutes" in refused
    assert body + "</textarea>" in refused
    f.sign_in(client, other)  # another member is not held back
    again = client.post("/discussions/new", data=_data(body=body, preview="1"))
    assert "<strong>pacing</strong>" in again.get_data(as_text=True)


def test_posting_is_limited_per_member_with_the_text_kept(db, limited):
    client = limited.test_client()
    someone = f.member()
    thread = f.thread(f.member())
    f.sign_in(client, someone)
    statuses = [client.post(f"/threads/{thread.id}/reply", data={"body": f"Reply {n}"})
                .status_code for n in range(3)]
    assert statuses == [303, 303, 200]
    refused = client.post(f"/threads/{thread.id}/reply", data={"body": "Kept text"})
    html = refused.get_data(as_text=True)
    assert "You have posted a lot in the last few minutes" in html
    assert "Kept text</textarea>" in html
    assert _posts(db) == 3  # the opening post and two replies
