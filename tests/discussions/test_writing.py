"""Writing a post: the Markdown hint, previews of replies and edits, what the reply page
shows, and offering Reply only where a reply is allowed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.discussions.models import Post
from tests import factories as f

IMAGE = "![A run chart](https://example.org/chart.png)"


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def member(db, client):
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


@pytest.fixture
def thread(db):
    return f.thread(f.member(display_name="Ben Physio"), body="How do you measure arms?")


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
