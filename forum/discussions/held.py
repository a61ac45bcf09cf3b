"""Posts held for a moderator, as their author is told about them: what waits, why, and for
how many more posts (FORUM_PREMODERATE_FIRST_POSTS). The post, the thread page, the message
after posting, the profile and search all say it in these words.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from forum.discussions.models import Post
from forum.members.models import User
from forum.moderation.guard import HOLD_EDIT, HOLD_NEW

# Stored as the post's pending_reason (moderators read it in the queue).
FIRST_POSTS = "first posts are checked by a moderator"


def first_posts_checked() -> int:
    return current_app.config.get("PREMODERATE_FIRST_POSTS", 0)


def first_posts_left(author: User) -> int:
    """How many more of the author's posts a moderator must approve before theirs appear
    straight away (0 for moderators and for members past the first posts)."""
    if author.is_moderator:
        return 0
    return max(0, first_posts_checked() - author.approved_post_count)


def _posts(n: int) -> str:
    return "post" if n == 1 else f"{n} posts"


def message(post: Post) -> str:
    """Why `post` waits, in words for its author."""
    return message_for(post.pending_reason, post.author)


def message_for(reason: str, author: User) -> str:
    if reason == FIRST_POSTS:
        checked, left = first_posts_checked(), first_posts_left(author)
        text = (f"A moderator checks a new member’s first {_posts(checked)} before others "
                f"can see them.")
        if left:
            verb = "is" if left == 1 else "are"
            return (f"{text} Once {left} more of your posts {verb} approved, this and any "
                    f"others waiting appear, and from then on your posts appear straight away.")
        return f"{text} Your first posts are approved, so this one will appear soon."
    if reason == HOLD_NEW:
        return ("It may contain patient-identifiable information, so a moderator checks it "
                "before others can see it.")
    if reason == HOLD_EDIT:
        return ("Your edit may contain patient-identifiable information, so a moderator checks "
                "it before others can see this post again.")
    return f"Reason: {reason}." if reason else "A moderator checks it before others can see it."


def is_waiting(post: Post) -> bool:
    """Held and not turned down: the author is waiting for an answer."""
    return post.pending and post.hidden_at is None and post.deleted_at is None


def reply_count_text(outline: Any, viewer: Any) -> str:
    """"3 replies (1 of yours waiting for a moderator)": every reply this viewer sees in the
    thread (its outline, not only this page), so the header and the replies agree."""
    replies = [i for i in outline.order if i != outline.opening]
    waiting = [i for i in replies if i in outline.waiting]
    viewer_id = getattr(viewer, "id", None)
    mine = sum(1 for i in waiting if outline.authors[i] == viewer_id)
    return replies_text(len(replies), len(waiting), mine)


def replies_text(total: int, waiting: int = 0, mine: int = 0) -> str:
    """The words for `total` replies of which `waiting` wait for a moderator, `mine` of them
    the viewer's (thread lists say it the same way as the thread page)."""
    text = f"{total} {'reply' if total == 1 else 'replies'}"
    if not waiting:
        return text
    if mine == waiting == total:
        return f"{text} ({'yours' if mine == 1 else 'all yours'}, waiting for a moderator)"
    if mine == waiting:
        return f"{text} ({mine} of yours waiting for a moderator)"
    return f"{text} ({waiting} waiting for a moderator)"
