"""Reads for discussion pages. Every list states its loading, so no page does N+1."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions import paging, policy
from forum.discussions.counters import counted
from forum.discussions.models import Draft, Post, PostRevision, Thread, ThreadRead, thread_professions
from forum.extensions import db
from forum.members.models import User
from forum.moderation.guard import HOLD_EDIT

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


def narrowed_threads(viewer: Any, *, board: Board | None = None, alliance: Alliance | None = None,
                     pan_london: bool = False, profession: Profession | None = None) -> Select:
    """A select of the threads `viewer` may see, narrowed by any of board, alliance and
    profession (`pan_london`: threads for every alliance): thread lists and feeds share it."""
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
    return stmt


def threads_page(viewer: Any, *, board: Board | None = None, alliance: Alliance | None = None,
                 pan_london: bool = False, profession: Profession | None = None,
                 page: int = 1, per_page: int | None = None) -> Pagination:
    """Threads the viewer may see, narrowed by any of board, alliance and profession.

    `pan_london` narrows to threads for every alliance (alliance None).
    """
    stmt = narrowed_threads(viewer, board=board, alliance=alliance, pan_london=pan_london,
                            profession=profession)
    stmt = stmt.options(*_thread_row_options()).order_by(
        Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc()
    )
    found = db.paginate(stmt, page=page, per_page=per_page or current_app.config["THREADS_PER_PAGE"],
                        error_out=False, count=True)
    found.waiting = waiting_replies(viewer, [t.id for t in found.items])  # type: ignore[attr-defined]
    return found


def waiting_replies(viewer: Any, thread_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    """{thread id: (replies waiting for a moderator that the viewer sees, how many of them are
    the viewer's, what to add to the thread's reply counter)}, in one query, so a list counts
    replies as the thread page does for this viewer: moderators see every waiting reply, a
    member their own; a reply whose edit is held stays in the counter but leaves others'
    view until a moderator has looked. Only held posts can differ, so only they are read."""
    if not thread_ids:
        return {}
    seen = policy.in_thread_clause(viewer)
    waiting = and_(seen, Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    user_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    delta = case((and_(seen, ~counted()), 1), (and_(counted(), ~seen), -1), else_=0)
    rows = db.session.execute(
        select(Post.thread_id, func.sum(case((waiting, 1), else_=0)),
               func.sum(case((and_(waiting, Post.author_id == user_id), 1), else_=0)),
               func.sum(delta))
        .where(Post.thread_id.in_(thread_ids), Post.is_opening.is_(False),
               Post.pending.is_(True))
        .group_by(Post.thread_id))
    return {thread_id: (int(n or 0), int(own or 0), int(change or 0))
            for thread_id, n, own, change in rows}


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


def thread_outline(thread: Thread, viewer: Any) -> paging.Outline:
    """The shape of the thread as the viewer sees it: ids, parents and authors, no bodies."""
    rows = db.session.execute(
        select(Post.id, Post.reply_to_id, Post.is_opening, Post.author_id, Post.created_at,
               and_(Post.pending, Post.hidden_at.is_(None), Post.deleted_at.is_(None)))
        .where(Post.thread_id == thread.id, policy.in_thread_clause(viewer))
        .order_by(Post.created_at, Post.id)
    )
    return paging.outline(paging.Row(*row) for row in rows)


def posts_by_id(thread: Thread, viewer: Any, ids: Collection[int]) -> dict[int, Post]:
    """The posts one page shows (a bounded number), authors loaded, visibility checked again."""
    if not ids:
        return {}
    stmt = (
        select(Post)
        .where(Post.thread_id == thread.id, Post.id.in_(ids), policy.in_thread_clause(viewer))
        .options(
            defer(Post.body_source),  # the page shows body_html; the source is for editing
            joinedload(Post.author).joinedload(User.profession),
            joinedload(Post.author).joinedload(User.alliance),
        )
    )
    posts = {post.id: post for post in db.session.scalars(stmt)}
    for post in posts.values():
        # Every post's thread is this one: say so, rather than have each post look it up.
        set_committed_value(post, "thread", thread)
    return posts


def read_mark(viewer: Any, thread: Thread) -> ThreadRead | None:
    """How far the member has read the thread, and since when (None: never opened)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return db.session.scalar(select(ThreadRead).where(
        ThreadRead.user_id == viewer.id, ThreadRead.thread_id == thread.id))


@dataclass(frozen=True)
class ReadState:
    """What a thread list shows a member about one thread: new to them, or how many unread."""

    opened: bool
    unread: int = 0


def read_states(viewer: Any, threads: Iterable[Thread]) -> dict[int, ReadState]:
    """Read state of each listed thread for a signed-in member, in one query.

    A thread started since the member joined that they never opened is new; one they opened
    counts the posts after their mark that others wrote and they may read.
    """
    threads = [t for t in threads if t is not None]
    if not getattr(viewer, "is_authenticated", False):
        return {}
    # (Asked even for an empty list: a page costs the same statements whatever it lists.)
    unread = (
        select(func.count(Post.id))
        .where(Post.thread_id == ThreadRead.thread_id, Post.id > ThreadRead.last_read_post_id,
               Post.author_id != viewer.id, Post.deleted_at.is_(None),
               Post.hidden_at.is_(None), policy.in_thread_clause(viewer))
        .correlate(ThreadRead).scalar_subquery()
    )
    rows = db.session.execute(
        select(ThreadRead.thread_id, unread)
        .where(ThreadRead.user_id == viewer.id,
               ThreadRead.thread_id.in_({t.id for t in threads}))
    )
    states = {thread_id: ReadState(True, count) for thread_id, count in rows}
    for thread in threads:
        if thread.id not in states and thread.author_id != viewer.id \
                and thread.created_at >= viewer.created_at:
            states[thread.id] = ReadState(False)
    return states


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


@dataclass
class ThreadPage:
    """Everything one page of a thread (or of one branch of it) shows, and the reader's mark.

    `mark` is how far the reader had read before this page; `new_mark` how far they have
    now (the view saves it when it moved); `first_unread` (the first post after `mark`, so
    the link still leads there on the page that marks it read) and `latest` are post ids for
    the jump links.
    """

    outline: paging.Outline
    page: paging.Page
    opening: Post | None
    branch: Post | None
    tree: list[Node]
    posts: list[Post]
    by_id: dict[int, Post]
    more: dict[int, paging.Unit]
    mark: int | None
    new_mark: int | None
    first_unread: int | None
    latest: int | None

    @property
    def on_page(self) -> set[int]:
        """Ids of the posts this page shows (a link to one of them can be an anchor)."""
        shown = {p.id for p in self.posts}
        shown.update(p.id for p in (self.opening, self.branch) if p is not None)
        return shown


def thread_page(thread: Thread, viewer: Any, *, page: int = 1, flat: bool = False,
                branch_id: int | None = None) -> ThreadPage | None:
    """One page of the thread: four statements whatever its length (None: no such branch).

    The outline (ids only) decides which posts the page holds; only those are loaded.
    """
    budget = current_app.config["POSTS_PER_PAGE"]
    shape = thread_outline(thread, viewer)
    if branch_id is not None and branch_id not in shape.parent:
        return None
    if flat:
        plan = paging.flat_page(shape, page, budget)
        place = None
    else:
        plan = paging.tree_page(shape, page, budget, branch_id)
        place = paging.Place(plan.page, branch_id)
    ids = plan.ids
    wanted = set(ids)
    if plan.page == 1 and branch_id is None and shape.opening is not None:
        wanted.add(shape.opening)
    if branch_id is not None:
        wanted.add(branch_id)
    if flat:  # "In reply to" names a parent that may be on another page
        wanted.update(p for i in ids if (p := shape.parent.get(i)) is not None)
    loaded = posts_by_id(thread, viewer, wanted)
    posts = [loaded[i] for i in ids if i in loaded]
    first_page = plan.page == 1 and branch_id is None
    opening = loaded.get(shape.opening) if first_page and shape.opening is not None else None
    branch = loaded.get(branch_id) if branch_id is not None else None
    tree = [] if flat else build_tree(([branch] if branch else []) + posts)[1]

    read = read_mark(viewer, thread)
    mark = read.last_read_post_id if read else None
    new_mark = mark
    first = None
    if getattr(viewer, "is_authenticated", False):
        if flat:
            replies = [i for i in shape.order if i != shape.opening]
            seen = set(replies[: plan.page * budget]) | {shape.opening}
        else:
            seen = paging.seen_through(shape, place, budget,
                                       older_than=read.first_read_at if read else utcnow())
        new_mark = paging.read_up_to(shape, mark, seen, viewer.id)
        first = paging.first_unread(shape, mark, viewer.id) if mark is not None else None
    return ThreadPage(
        outline=shape, page=plan, opening=opening,
        branch=branch, tree=tree, posts=posts, by_id=loaded,
        more={u.root: u for u in plan.units if u.more}, mark=mark, new_mark=new_mark,
        first_unread=first, latest=shape.order[-1] if shape.order else None,
    )


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


def waiting_post_count(author: User) -> int:
    """The author's posts waiting for a moderator (not turned down, not deleted): what their
    own profile adds to the posts everyone can count."""
    return db.session.scalar(
        select(func.count()).select_from(Post).where(
            Post.author_id == author.id, Post.pending.is_(True), Post.hidden_at.is_(None),
            Post.deleted_at.is_(None), Post.pending_reason != HOLD_EDIT)
    ) or 0


def boards_for_home() -> list[Board]:
    """Every board in use, in order, with its latest thread (counters are kept by the services)."""
    return list(db.session.scalars(
        select(Board).where(Board.retired_at.is_(None)).options(
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


def _in_order(model, in_use: bool) -> list:
    """`in_use`: leave out what organisers retired (pickers for new threads); filters of
    existing threads keep it, so its old threads can still be found."""
    stmt = select(model).order_by(model.position, model.name)
    if in_use:
        stmt = stmt.where(model.retired_at.is_(None))
    return list(db.session.scalars(stmt))


def boards(*, in_use: bool = False) -> list[Board]:
    return _in_order(Board, in_use)


def alliances(*, in_use: bool = False) -> list[Alliance]:
    return _in_order(Alliance, in_use)


def professions(*, in_use: bool = False) -> list[Profession]:
    return _in_order(Profession, in_use)


def board_by_slug(slug: str) -> Board | None:
    if not valid_slug(slug):
        return None
    return db.session.scalar(select(Board).where(Board.slug == slug))


def draft_for(user: Any, thread: Thread | None) -> Draft | None:
    """The member's draft reply in `thread`, or their draft discussion (thread None)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Draft).options(joinedload(Draft.reply_to).joinedload(Post.author))
        .where(Draft.user_id == user.id,
               Draft.thread_id.is_(None) if thread is None else Draft.thread_id == thread.id))
