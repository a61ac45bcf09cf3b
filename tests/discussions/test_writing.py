"""Writing a post: the Markdown hint, previews of replies and edits, what the reply page
shows, and offering Reply only where a reply is allowed."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, select

from forum.discussions.models import Post
from tests import factories as f

IMAGE = "![A run chart](https://example.org/chart.png)"


def page(response) -> str:
    return response.get_data(as_text=True)


def opening(db, thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_opening))


def post_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


# --- images ---------------------------------------------------------------------------------

def test_the_markdown_hint_says_images_show_as_links(client, db, member, thread):
    for url in ("/discussions/new", f"/threads/{thread.id}"):
        assert "Images show as a link, not a picture" in page(client.get(url))


def test_a_preview_with_an_image_says_it_shows_as_a_link(client, db, member):
    data = {"title": "A chart", "board": str(f.board().id), "body": f"See {IMAGE}",
            "preview": "1"}
    html = page(client.post("/discussions/new", data=data))
    assert 'href="https://example.org/chart.png"' in html and "Image: A run chart" in html
    assert 'id="preview-images"' in html
    data["body"] = "No pictures here."
    assert 'id="preview-images"' not in page(client.post("/discussions/new", data=data))


# --- Reply is offered only where a reply is allowed -------------------------------------------

def _states(db, thread, member, moderator):
    """A post in each state a reply could meet, by someone else unless it says "own"."""
    from forum.discussions.services import delete_post
    from forum.moderation.services import hide_post

    other = f.member()
    posts = {"normal": f.reply(other, thread, body="A normal reply")}
    posts["hidden"] = f.reply(other, thread, body="A hidden reply")
    hide_post(moderator, posts["hidden"], reason="Off topic.")
    posts["own hidden"] = f.reply(member, thread, body="My hidden reply")
    hide_post(moderator, posts["own hidden"], reason="Off topic.")
    posts["deleted"] = f.reply(member, thread, body="My deleted reply")
    delete_post(member, posts["deleted"])
    posts["own pending"] = f.reply(member, thread, body="My held reply")
    posts["own pending"].pending = True
    db.session.commit()
    return posts


@pytest.mark.parametrize("viewer", ["member", "moderator"])
def test_reply_is_offered_exactly_where_the_service_accepts_one(client, db, member, viewer):
    """The thread page's Reply links and the reply service ask the same policy question."""
    from forum.discussions.services import reply_to_thread
    from forum.errors import InvalidInput, PermissionDenied

    moderator = f.moderator()
    thread = f.thread(f.member())
    posts = _states(db, thread, member, moderator)
    actor = member if viewer == "member" else moderator
    f.sign_in(client, actor)
    html = page(client.get(f"/threads/{thread.id}"))
    offered = {name for name, post in posts.items() if f'id="reply-to-{post.id}"' in html}
    accepted = set()
    for name, post in posts.items():
        try:
            reply_to_thread(actor, thread, body=f"Answering the {name} post", reply_to=post)
        except (InvalidInput, PermissionDenied):
            db.session.rollback()
        else:
            accepted.add(name)
    assert offered == accepted
    assert "hidden" not in offered and "deleted" not in offered and "normal" in offered
    # The author may answer their own held post; a moderator approves it first.
    assert ("own pending" in offered) == (viewer == "member")


def test_the_reply_page_of_a_hidden_post_says_so_before_anything_is_typed(client, db, member):
    moderator = f.moderator()
    thread = f.thread(f.member())
    hidden = f.reply(f.member(), thread, body="A hidden reply")
    from forum.moderation.services import hide_post

    hide_post(moderator, hidden, reason="Off topic.")
    g.pop("_login_user", None)
    response = client.get(f"/posts/{hidden.id}/reply")
    html = page(response)
    assert response.status_code == 403
    assert 'id="reply-refusal"' in html and "hidden by a moderator" in html
    assert 'id="reply-form"' not in html


# --- the reply page ---------------------------------------------------------------------------

def test_the_reply_page_quotes_the_post_plainly_under_one_heading(client, db, member, thread):
    parent = f.reply(f.member(display_name="Cara Dietitian"), thread,
                     body="Measure **both** arms.")
    html = page(client.get(f"/posts/{parent.id}/reply"))
    main = html.split('<main', 1)[1]
    assert len(re.findall(r"<h[1-6][ >]", main)) == 1  # the page's h1, nothing for the form
    quoted = main.split(f'id="post-{parent.id}"', 1)[1].split("</figure>", 1)[0]
    assert "Cara Dietitian" in quoted and "<strong>both</strong>" in quoted
    for action in ("reply-to-", "report-", "edit-", "delete-", "moderate-post-"):
        assert f'id="{action}' not in quoted
    assert 'id="reply-form"' in main and '<label class="label" for="body">Reply to Cara Dietitian' in main


# --- previews of replies ----------------------------------------------------------------------

def test_the_thread_page_reply_form_has_a_preview_button(client, db, member, thread):
    html = page(client.get(f"/threads/{thread.id}"))
    form = html.split('id="reply-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="preview"' in form and "Preview</button>" in form


def test_a_reply_preview_shows_the_reply_keeps_the_text_and_posts_nothing(client, db, member,
                                                                          thread):
    before = post_count(db)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Measure **both** arms", "preview": "1"})
    html = page(response)
    assert response.status_code == 200
    preview = html.split('id="preview"', 1)[1].split("</section>", 1)[0]
    assert "<strong>both</strong>" in preview
    assert html.index('id="preview"') < html.index('id="reply-form"')  # above the form
    assert "Measure **both** arms</textarea>" in html
    assert post_count(db) == before


def test_a_preview_of_a_reply_to_a_post_keeps_whom_it_answers(client, db, member, thread):
    parent = f.reply(f.member(display_name="Cara Dietitian"), thread, body="Weigh weekly.")
    response = client.post(f"/posts/{parent.id}/reply",
                           data={"body": "_Weekly_ is hard", "reply_to": str(parent.id),
                                 "preview": "1"})
    html = page(response)
    assert "<em>Weekly</em>" in html.split('id="preview"', 1)[1]
    assert f'action="/posts/{parent.id}/reply"' in html and "Weigh weekly." in html
    response = client.post(f"/posts/{parent.id}/reply",
                           data={"body": "_Weekly_ is hard", "reply_to": str(parent.id)})
    assert response.status_code == 303
    reply = db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
    assert reply.reply_to_id == parent.id


def test_an_empty_reply_preview_says_what_is_missing(client, db, member, thread):
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "", "preview": "1"})
    html = page(response)
    assert response.status_code == 200 and "Enter your message" in html
    assert 'id="preview"' not in html
