"""Reads for discussion pages. Every list states its loading, so no page does N+1."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import exists, func, select
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forum.community.models import Alliance, Board, Profession
from forum.discussions import policy
from forum.discussions.models import Post, PostRevision, Thread, thread_professions
from forum.extensions import db
from forum.members.models import User

# The seeded alliance that stands for "every alliance": a thread scoped to it has alliance None.
PAN_LONDON_SLUG = "pan-london-national"
PAN_LONDON_NAME = "Pan-London"  # its one label, wherever a thread or member is placed
MAX_DEPTH = 3
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger number in a URL is simply not found
_SLUG = re.compile(r"[a-z0-9-]{1,80}")


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def valid_slug(value: str) -> bool:
    """Slugs from URLs are checked before they reach the database (PostgreSQL refuses NUL)."""
    return bool(_SLUG.fullmatch(value))


def is_pan_london(alliance: Alliance | None) -> bool:
    return alliance is None or alliance.slug == PAN_LONDON_SLUG


def _thread_row_options() -> tuple:
    return (
        joinedload(Thread.author).joinedload(User.profession),
        joinedload(Thread.board),
        joinedload(Thread.alliance),
        selectinload(Thread.professions),
    )


def threads_page(viewer: Any, *, board: Board | None = None, alliance: Alliance | None = None,
                 pan_london: bool = False, profession: Profession | None = None,
                 page: int = 1, per_page: int | None = None) -> Pagination:
    """Threads the viewer may see, narrowed by any of board, alliance and profession.

    `pan_london` narrows to threads for every alliance (alliance None).
    """
    stmt = policy.visible_threads(select(Thread), viewer)
    if board is not None:
        stmt = stmt.where(Thread.board_id == board.id)
    if pan_london or (alliance is not None and alliance.slug == PAN_LONDON_SLUG):
        stmt = stmt.where(Thread.alliance_id.is_(None))
    elif alliance is not None:
        stmt = stmt.where(Thread.alliance_id == alliance.id)
    if profession is not None:
        stmt = stmt.where(exists().where(thread_professions.c.thread_id == Thread.id,
                                         thread_professions.c.profession_id == profession.id))
    stmt = stmt.options(*_thread_row_options()).order_by(
        Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc()
    )
    return db.paginate(stmt, page=page, per_page=per_page or current_app.config["THREADS_PER_PAGE"],
                       error_out=False, count=True)


def get_thread(thread_id: int) -> Thread | None:
    """One thread with what its page shows: board, alliance, author, profession tags."""
    if not valid_id(thread_id):
        return None
    return db.session.scalar(
        select(Thread).where(Thread.id == thread_id).options(
            joinedload(Thread.board), joinedload(Thread.alliance),
            joinedload(Thread.author).joinedload(User.profession),
            selectinload(Thread.professions),
        )
    )


def get_post(post_id: int) -> Post | None:
    """One post with its thread and board (for policy) and author."""
    if not valid_id(post_id):
        return None
    return db.session.scalar(
        select(Post).where(Post.id == post_id).options(
            joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Post.thread).joinedload(Thread.alliance),
            joinedload(Post.author).joinedload(User.profession),
            joinedload(Post.author).joinedload(User.alliance),
        )
    )


def thread_posts(thread: Thread, viewer: Any) -> list[Post]:
    """Every post the viewer sees on the thread page, oldest first, authors loaded."""
    stmt = (
        select(Post)
        .where(Post.thread_id == thread.id, policy.in_thread_clause(viewer))
        .options(
            defer(Post.body_source),  # the page shows body_html; the source is for editing
            joinedload(Post.author).joinedload(User.profession),
            joinedload(Post.author).joinedload(User.alliance),
        )
        .order_by(Post.created_at, Post.id)
    )
    posts = list(db.session.scalars(stmt))
    for post in posts:
        # Every post's thread is this one: say so, rather than have each post look it up.
        set_committed_value(post, "thread", thread)
    return posts


@dataclass
class Node:
    """A post in the tree view; `in_reply_to` is set where nesting stops showing the parent."""

    post: Post
    depth: int
    children: list[Node] = field(default_factory=list)
    in_reply_to: Post | None = None


def build_tree(posts: Sequence[Post]) -> tuple[Post | None, list[Node]]:
    """The opening post, and the replies as a tree capped at MAX_DEPTH.

    Replies to the thread itself (or to a post the viewer cannot see) hang under the opening
    post at depth 1; replies deeper than MAX_DEPTH are shown at MAX_DEPTH, in order, each
    saying whom it answers.
    """
    by_id = {p.id: p for p in posts}
    opening = next((p for p in posts if p.is_opening), None)
    children: dict[int | None, list[Post]] = {}
    for post in posts:
        if post is opening:
            continue
        parent = post.reply_to_id
        if parent not in by_id or (opening is not None and parent == opening.id):
            parent = None
        children.setdefault(parent, []).append(post)

    def flatten(post: Post) -> list[Node]:
        """The post at MAX_DEPTH and all its descendants after it, depth-first (no recursion:
        a long chain of replies must not exhaust the stack)."""
        nodes = [Node(post, MAX_DEPTH)]
        stack = [(child, post) for child in reversed(children.get(post.id, []))]
        while stack:
            child, parent = stack.pop()
            nodes.append(Node(child, MAX_DEPTH, in_reply_to=parent))
            stack.extend((grandchild, child) for grandchild in reversed(children.get(child.id, [])))
        return nodes

    def grow(post: Post, depth: int) -> list[Node]:
        if depth >= MAX_DEPTH:
            return flatten(post)
        node = Node(post, depth)
        for child in children.get(post.id, []):
            node.children.extend(grow(child, depth + 1))
        return [node]

    roots: list[Node] = []
    for post in children.get(None, []):
        roots.extend(grow(post, 1))
    return opening, roots


def revisions(post: Post, viewer: Any = None) -> list[PostRevision]:
    """The versions of a post the viewer may read, newest first, with who made them.

    When a moderator edited someone's post (usually to take out what identified a patient),
    the versions before that edit stay with moderators: other readers start from it.
    """
    found = list(db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id)
        .options(joinedload(PostRevision.editor))
        .order_by(PostRevision.number.desc())
    ))
    if policy.is_moderator(viewer):
        return found
    for i, revision in enumerate(found):
        if revision.editor_id != post.author_id:
            return found[: i + 1]
    return found


def recent_posts_by_author(author: User, viewer: Any, limit: int = 10) -> list[Post]:
    """The author's latest posts that the viewer may read, with their threads loaded."""
    stmt = policy.visible_posts(
        select(Post).where(Post.author_id == author.id), viewer
    ).options(
        joinedload(Post.thread).joinedload(Thread.board),
    ).order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def boards_for_home() -> list[Board]:
    """Every board in order, with its latest thread (counters are kept by the services)."""
    return list(db.session.scalars(
        select(Board).options(
            joinedload(Board.last_thread).joinedload(Thread.author),
        ).order_by(Board.position, Board.name)
    ))


def last_posters(thread_ids: Iterable[int | None]) -> dict[int, User]:
    """The author of each thread's newest published post, in one query: the person beside a
    board's "latest" time (the thread's author may not have posted for weeks)."""
    ids = {i for i in thread_ids if i}  # queried even when empty: the same count for any page
    newest = (select(Post.thread_id, Post.author_id,
                     func.row_number().over(partition_by=Post.thread_id,
                                            order_by=(Post.created_at.desc(), Post.id.desc()))
                     .label("n"))
              .where(Post.thread_id.in_(ids), Post.pending.is_(False), Post.deleted_at.is_(None))
              .subquery())
    rows = db.session.execute(select(newest.c.thread_id, User)
                              .join(User, User.id == newest.c.author_id).where(newest.c.n == 1))
    return {thread_id: user for thread_id, user in rows}


def boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.name)))


def alliances() -> list[Alliance]:
    return list(db.session.scalars(select(Alliance).order_by(Alliance.position, Alliance.name)))


def professions() -> list[Profession]:
    return list(db.session.scalars(
        select(Profession).order_by(Profession.position, Profession.name)
    ))


def board_by_slug(slug: str) -> Board | None:
    if not valid_slug(slug):
        return None
    return db.session.scalar(select(Board).where(Board.slug == slug))
