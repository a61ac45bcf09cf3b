"""Moderators' actions, members' reports, and the audit trail every action leaves.

Each public service checks policy (the role is re-checked here, whatever the view did),
changes state, writes the audit entry, the notifications and the search outbox rows, and
commits once. Private `_helpers` change state without committing so that one queue action
(hide and warn, say) stays one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import delete, func, select, update
from werkzeug.routing import BuildError

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Post, PostRevision, Thread
from forum.discussions.queries import PAN_LONDON_NAME
from forum.errors import InvalidInput
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import Role, Status, User
from forum.moderation import policy
from forum.moderation.guard import HOLD_EDIT
from forum.moderation.models import REPORT_REASONS, AuditEntry, Report, ReportStatus, StaffNote
from forum.notify.mail import queue_email
from forum.notify.models import Notification
from forum.templating import format_date

AUTO_HIDE_REPORTS = 3
AUTO_HIDE_REASON = ("Hidden automatically because three members reported it. "
                    "A moderator will decide whether it stays hidden.")
REASON_MAX = 1000
NOTE_MAX = 5000
QUEUE_OUTCOMES = ("dismiss", "hide", "hide_and_warn", "lock")


# --- small helpers ------------------------------------------------------------------------

def _text(value: str | None, *, field: str, required: bool, what: str, limit: int = REASON_MAX
          ) -> str:
    text = str(clean_text(value or "")).strip()
    if required and not text:
        raise InvalidInput(f"Enter {what}", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
                           field=field)
    return text


def _reason(value: str | None, *, required: bool = True) -> str:
    return _text(value, field="reason", required=required, what="a reason")


def audit(actor: User | None, action: str, target_type: str, target_id: int | None, *,
          reason: str = "", before: str | None = None, after: str | None = None) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with its change)."""
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action,
                       target_type=target_type, target_id=target_id, reason=reason,
                       before=before, after=after, created_at=utcnow())
    db.session.add(entry)
    return entry


def _path(endpoint: str, fallback: str, **values) -> str:
    try:
        return url_for(endpoint, _external=False, **values)
    except (BuildError, RuntimeError):
        return fallback


def thread_path(thread_id: int, post_id: int | None = None) -> str:
    path = _path("discussions.show_thread", f"/threads/{thread_id}", thread_id=thread_id)
    return f"{path}#post-{post_id}" if post_id else path


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def tell(user: User, *, kind: str, text: str, link: str, subject: str | None = None,
         email_text: str | None = None) -> None:
    """A notification on the site, and (with a subject) an email saying the same."""
    db.session.add(Notification(user_id=user.id, kind=kind, text=text, link=link))
    if subject:
        body = email_text or text
        queue_email(user.email, subject, (
            f"Hello {user.display_name},\n\n{body}\n\n{_absolute(link)}\n\n"
            f"— the {current_app.config['SITE_NAME']} moderators\n"
        ))


def _site() -> str:
    return current_app.config["SITE_NAME"]


def _search_post(post: Post) -> None:
    outbox.enqueue("search", {"kind": "post", "id": post.id})


def _search_thread(thread: Thread) -> None:
    outbox.enqueue("search", {"kind": "thread", "id": thread.id})


def _published_post_count(thread_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.thread_id == thread_id,
                                                     Post.pending.is_(False))
    ) or 0


def _refresh_board_latest(board: Board) -> None:
    """After a thread leaves a board, point its "latest" at what is now latest there."""
    latest = db.session.execute(
        select(Thread.id, Thread.last_activity_at)
        .where(Thread.board_id == board.id, Thread.merged_into_id.is_(None),
               Thread.pending.is_(False))
        .order_by(Thread.last_activity_at.desc()).limit(1)
    ).first()
    board.last_thread_id = latest.id if latest else None
    board.last_activity_at = latest.last_activity_at if latest else None


def _refresh_thread_activity(thread: Thread) -> None:
    last = db.session.scalar(
        select(func.max(Post.created_at)).where(Post.thread_id == thread.id,
                                                Post.pending.is_(False))
    )
    if last is not None:
        thread.last_activity_at = last


# --- threads ------------------------------------------------------------------------------

def pin_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if not thread.pinned:
        thread.pinned = True
        audit(actor, "pin_thread", "thread", thread.id, reason=reason)
        db.session.commit()
    return thread


def unpin_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.pinned:
        thread.pinned = False
        audit(actor, "unpin_thread", "thread", thread.id, reason=reason)
        db.session.commit()
    return thread


def _lock(actor: User, thread: Thread, reason: str) -> None:
    before = thread.lock_reason if thread.locked else None
    thread.locked = True
    thread.lock_reason = reason
    audit(actor, "lock_thread", "thread", thread.id, reason=reason, before=before, after=reason)


def lock_thread(actor: User, thread: Thread, *, reason: str) -> Thread:
    """Stop replies; the thread shows why."""
    policy.require_moderator(actor)
    _lock(actor, thread, _reason(reason))
    db.session.commit()
    return thread


def unlock_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.locked:
        before = thread.lock_reason
        thread.locked = False
        thread.lock_reason = ""
        audit(actor, "unlock_thread", "thread", thread.id, reason=reason, before=before, after="")
        db.session.commit()
    return thread


def set_slow_mode(actor: User, thread: Thread, *, minutes: int, reason: str = "") -> Thread:
    """One post per member per `minutes` in this thread; 0 turns slow mode off."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if not isinstance(minutes, int) or not 0 <= minutes <= policy.SLOW_MODE_MAX_MINUTES:
        raise InvalidInput(f"Enter a number of minutes from 0 to {policy.SLOW_MODE_MAX_MINUTES}",
                           field="minutes")
    if minutes != thread.slow_mode_minutes:
        before = thread.slow_mode_minutes
        thread.slow_mode_minutes = minutes
        audit(actor, "set_slow_mode", "thread", thread.id, reason=reason,
              before=str(before), after=str(minutes))
        db.session.commit()
    return thread


def edit_title(actor: User, thread: Thread, *, title: str, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    title = discussions.clean_title(title)
    reason = _reason(reason, required=False)
    if title != thread.title:
        before = thread.title
        thread.title = title
        audit(actor, "edit_title", "thread", thread.id, reason=reason, before=before, after=title)
        _search_thread(thread)
        db.session.commit()
    return thread


def _placement(thread: Thread) -> str:
    alliance = thread.alliance.name if thread.alliance else PAN_LONDON_NAME
    tags = ", ".join(p.name for p in thread.professions) or "none"
    return f"Board: {thread.board.name}; alliance: {alliance}; professions: {tags}"


def move_thread(actor: User, thread: Thread, *, board: Board, alliance: Alliance | None,
                professions: Sequence[Profession] = (), reason: str = "") -> Thread:
    """Put a thread on another board, alliance or set of profession tags."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    before = _placement(thread)
    old_board = thread.board
    if board.id != old_board.id:
        if not thread.pending:
            count = _published_post_count(thread.id)
            old_board.thread_count = max(0, old_board.thread_count - 1)
            old_board.post_count = max(0, old_board.post_count - count)
            board.thread_count += 1
            board.post_count += count
        thread.board = board
        db.session.flush()
        if old_board.last_thread_id == thread.id:
            _refresh_board_latest(old_board)
        if not thread.pending and (board.last_activity_at is None
                                   or thread.last_activity_at >= board.last_activity_at):
            board.last_activity_at = thread.last_activity_at
            board.last_thread_id = thread.id
    thread.alliance = alliance
    thread.professions = list(dict.fromkeys(professions))
    after = _placement(thread)
    if after != before:
        audit(actor, "move_thread", "thread", thread.id, reason=reason, before=before, after=after)
        _search_thread(thread)
    db.session.commit()
    return thread


def _hide_thread(actor: User, thread: Thread, reason: str) -> None:
    thread.hidden_at = utcnow()
    thread.hidden_by_id = actor.id
    thread.hidden_reason = reason
    audit(actor, "hide_thread", "thread", thread.id, reason=reason)
    _search_thread(thread)


def hide_thread(actor: User, thread: Thread, *, reason: str) -> Thread:
    """Hide a whole discussion; its author is told why, others see nothing of it."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if thread.hidden_at is not None:
        raise InvalidInput("This discussion is already hidden.")
    _hide_thread(actor, thread, reason)
    tell(thread.author, kind="thread_hidden",
         text=f"A moderator hid your discussion “{thread.title}”. Reason: {reason}",
         link=thread_path(thread.id), subject=f"A moderator hid your discussion on {_site()}")
    db.session.commit()
    return thread


def unhide_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.hidden_at is None:
        raise InvalidInput("This discussion is not hidden.")
    before = thread.hidden_reason
    thread.hidden_at = None
    thread.hidden_by_id = None
    thread.hidden_reason = ""
    audit(actor, "unhide_thread", "thread", thread.id, reason=reason, before=before)
    _search_thread(thread)
    tell(thread.author, kind="thread_unhidden",
         text=f"A moderator restored your discussion “{thread.title}”.",
         link=thread_path(thread.id), subject=f"Your discussion on {_site()} is back")
    db.session.commit()
    return thread


def merge_thread(actor: User, source: Thread, target: Thread, *, reason: str = "") -> Thread:
    """Move every post of `source` into `target`, keeping order and reply tree; `source`
    then only points (and redirects) to `target`."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if source.id == target.id:
        raise InvalidInput("Choose a different discussion to merge into", field="target")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise InvalidInput("That discussion has already been merged into another one",
                           field="target")
    moved = _published_post_count(source.id)
    db.session.execute(update(Post).where(Post.thread_id == source.id)
                       .values(thread_id=target.id, is_opening=False)
                       .execution_options(synchronize_session=False))
    if not source.pending:
        source.board.thread_count = max(0, source.board.thread_count - 1)
        source.board.post_count = max(0, source.board.post_count - moved)
        target.board.post_count += moved
        target.reply_count += moved
    source.reply_count = 0
    source.merged_into_id = target.id
    # Threads merged into `source` earlier now lead straight to `target` (one redirect).
    db.session.execute(update(Thread).where(Thread.merged_into_id == source.id)
                       .values(merged_into_id=target.id)
                       .execution_options(synchronize_session=False))
    if source.last_activity_at and source.last_activity_at > target.last_activity_at:
        target.last_activity_at = source.last_activity_at
        board = target.board
        if not target.pending and (board.last_activity_at is None
                                   or target.last_activity_at >= board.last_activity_at):
            board.last_activity_at, board.last_thread_id = target.last_activity_at, target.id
    db.session.flush()
    if source.board.last_thread_id == source.id:
        _refresh_board_latest(source.board)
    audit(actor, "merge_thread", "thread", source.id, reason=reason,
          before=source.title, after=f"Merged into “{target.title}” (thread {target.id})")
    audit(actor, "merge_into_thread", "thread", target.id, reason=reason,
          after=f"Received the posts of “{source.title}” (thread {source.id})")
    _search_thread(source)
    _search_thread(target)
    db.session.commit()
    db.session.expire_all()
    return target


def split_thread(actor: User, thread: Thread, posts: Sequence[Post], *, title: str,
                 reason: str = "") -> Thread:
    """Move chosen replies into a new discussion: the earliest becomes its opening post."""
    policy.require_moderator(actor)
    title = discussions.clean_title(title)
    reason = _reason(reason, required=False)
    chosen = sorted({p.id: p for p in posts}.values(), key=lambda p: (p.created_at, p.id))
    if not chosen:
        raise InvalidInput("Choose at least one reply to move", field="posts")
    if any(p.thread_id != thread.id for p in chosen):
        raise InvalidInput("Choose replies from this discussion only", field="posts")
    if any(p.is_opening for p in chosen):
        raise InvalidInput("The opening post stays with its discussion: choose replies only",
                           field="posts")
    ids = {p.id for p in chosen}
    first = chosen[0]
    published = [p for p in chosen if not p.pending]
    new = Thread(board=thread.board, alliance=thread.alliance, author=first.author, title=title,
                 created_at=first.created_at, last_activity_at=chosen[-1].created_at,
                 professions=list(thread.professions), pending=first.pending,
                 reply_count=len([p for p in published if p is not first]))
    db.session.add(new)
    db.session.flush()
    for post in chosen:
        post.thread_id = new.id
        if post.reply_to_id not in ids:
            post.reply_to_id = None
    first.is_opening = True
    first.reply_to_id = None
    # Replies left behind that answered a moved post now answer the thread itself.
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.reply_to_id.in_(ids))
                       .values(reply_to_id=None).execution_options(synchronize_session=False))
    db.session.flush()
    thread.reply_count = max(0, thread.reply_count - len(published))
    _refresh_thread_activity(thread)
    if not new.pending:
        thread.board.thread_count += 1
    audit(actor, "split_thread", "thread", thread.id, reason=reason,
          after=f"Moved {len(chosen)} repl{'y' if len(chosen) == 1 else 'ies'} to “{title}” "
                f"(thread {new.id})")
    audit(actor, "split_into_thread", "thread", new.id, reason=reason, after=title)
    _search_thread(thread)
    _search_thread(new)
    db.session.commit()
    return new


def delete_thread_permanently(actor: User, thread: Thread, *, reason: str) -> None:
    """Admins only: the thread and every post in it are gone for good."""
    policy.require_admin(actor)
    reason = _reason(reason)
    post_ids = list(db.session.scalars(select(Post.id).where(Post.thread_id == thread.id)))
    per_author = db.session.execute(
        select(Post.author_id, func.count()).where(Post.thread_id == thread.id,
                                                   Post.pending.is_(False))
        .group_by(Post.author_id)
    ).all()
    board = thread.board
    if not thread.pending:
        board.thread_count = max(0, board.thread_count - 1)
        board.post_count = max(0, board.post_count - sum(n for _, n in per_author))
    for author_id, n in per_author:
        db.session.execute(update(User).where(User.id == author_id)
                           .values(post_count=func.max(User.post_count - n, 0)
                                   if db.engine.dialect.name == "sqlite"
                                   else func.greatest(User.post_count - n, 0)))
    audit(actor, "delete_thread", "thread", thread.id, reason=reason, before=thread.title,
          after=f"Deleted with {len(post_ids)} post{'s' if len(post_ids) != 1 else ''}")
    # Empty shells of threads merged into this one go too; their posts already moved here.
    shells = list(db.session.scalars(select(Thread.id).where(Thread.merged_into_id == thread.id)))
    db.session.execute(delete(Post).where(Post.thread_id == thread.id)
                       .execution_options(synchronize_session=False))
    if shells:
        db.session.execute(delete(Thread).where(Thread.id.in_(shells))
                           .execution_options(synchronize_session=False))
    thread_id = thread.id
    db.session.delete(thread)
    db.session.flush()
    if board.last_thread_id in (None, thread_id):
        _refresh_board_latest(board)
    for post_id in post_ids:
        outbox.enqueue("search", {"kind": "post", "id": post_id})
    outbox.enqueue("search", {"kind": "thread", "id": thread_id})
    db.session.commit()
    db.session.expire_all()


# --- posts --------------------------------------------------------------------------------

def _hide_post(actor: User | None, post: Post, reason: str) -> None:
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id if actor else None
    post.hidden_reason = reason
    audit(actor, "hide_post" if actor else "auto_hide_post", "post", post.id, reason=reason)
    _search_post(post)


def _tell_post_hidden(post: Post, reason: str) -> None:
    tell(post.author, kind="post_hidden",
         text=f"A moderator hid your post in “{post.thread.title}”. Reason: {reason}",
         link=thread_path(post.thread_id, post.id),
         subject=f"A moderator hid your post on {_site()}",
         email_text=(f"A moderator hid your post in the discussion “{post.thread.title}”.\n\n"
                     f"Reason: {reason}\n\nYou can still see your post and the reason on the "
                     f"discussion page."))


def hide_post(actor: User, post: Post, *, reason: str) -> Post:
    """Hide a post's text: its author sees it and why; others see "hidden by a moderator"."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if post.hidden_at is not None and post.hidden_by_id is not None:
        raise InvalidInput("This post is already hidden.")
    _hide_post(actor, post, reason)
    _tell_post_hidden(post, reason)
    db.session.commit()
    return post


def _unhide_post(actor: User, post: Post, reason: str) -> None:
    before = post.hidden_reason
    post.hidden_at = None
    post.hidden_by_id = None
    post.hidden_reason = ""
    audit(actor, "unhide_post", "post", post.id, reason=reason, before=before)
    _search_post(post)


def unhide_post(actor: User, post: Post, *, reason: str = "") -> Post:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if post.hidden_at is None:
        raise InvalidInput("This post is not hidden.")
    _unhide_post(actor, post, reason)
    tell(post.author, kind="post_unhidden",
         text=f"A moderator restored your post in “{post.thread.title}”.",
         link=thread_path(post.thread_id, post.id))
    db.session.commit()
    return post


def delete_post_permanently(actor: User, post: Post, *, reason: str) -> None:
    """Admins only. The post's text is not copied into the audit log: it is often deleted
    because it identified a patient."""
    policy.require_admin(actor)
    reason = _reason(reason)
    if post.is_opening:
        raise InvalidInput("This is the opening post: delete the whole discussion instead.")
    thread = post.thread
    if not post.pending:
        thread.reply_count = max(0, thread.reply_count - 1)
        thread.board.post_count = max(0, thread.board.post_count - 1)
        post.author.post_count = max(0, post.author.post_count - 1)
    post_id = post.id
    audit(actor, "delete_post", "post", post_id, reason=reason,
          before=f"Post by {post.author.display_name} in “{thread.title}” (thread {thread.id})",
          after="Deleted")
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post_id))
    db.session.execute(delete(Report).where(Report.post_id == post_id))
    db.session.execute(update(Post).where(Post.reply_to_id == post_id).values(reply_to_id=None)
                       .execution_options(synchronize_session=False))
    db.session.delete(post)
    db.session.flush()
    _refresh_thread_activity(thread)
    outbox.enqueue("search", {"kind": "post", "id": post_id})
    db.session.commit()
    db.session.expire_all()


# --- reports and the queue ----------------------------------------------------------------

def _open_reporters(post: Post) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id)))
        .where(Report.post_id == post.id, Report.status == ReportStatus.OPEN)
    ) or 0


def report_post(actor: User, post: Post, *, reason: str, detail: str = "") -> Report:
    """A member flags a post for moderators; three members' reports hide it until one decides."""
    policy.require(policy.can_report(actor, post), "You cannot report this post.")
    if reason not in REPORT_REASONS:
        raise InvalidInput("Choose why you are reporting this post", field="reason")
    detail = _text(detail, field="detail", required=reason == "other",
                   what="what is wrong with the post", limit=2000)
    already = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.reporter_id == actor.id,
                                Report.status == ReportStatus.OPEN).limit(1)
    )
    if already is not None:
        raise InvalidInput("You have already reported this post. A moderator will look at it.")
    report = Report(post_id=post.id, reporter_id=actor.id, reason=reason, detail=detail,
                    status=ReportStatus.OPEN, created_at=utcnow())
    db.session.add(report)
    db.session.flush()
    post.open_report_count = _open_reporters(post)
    if post.open_report_count >= AUTO_HIDE_REPORTS and post.hidden_at is None:
        _hide_post(None, post, AUTO_HIDE_REASON)
    db.session.commit()
    return report


OUTCOME_TEXT = {
    "dismiss": "A moderator looked at the post you reported and decided it can stay.",
    "hide": "A moderator has hidden the post you reported.",
    "hide_and_warn": "A moderator has hidden the post you reported and warned its author.",
    "lock": "A moderator has locked the discussion with the post you reported.",
}


def resolve_reports(actor: User, post: Post, *, outcome: str, note: str = "") -> list[Report]:
    """One click in the queue: dismiss, hide, hide and warn, or lock the thread. Every open
    report on the post is closed and each reporter is told the outcome."""
    policy.require_moderator(actor)
    if outcome not in QUEUE_OUTCOMES:
        raise InvalidInput("Choose what to do with this post", field="outcome")
    note = _reason(note, required=False)
    reports = list(db.session.scalars(
        select(Report).where(Report.post_id == post.id, Report.status == ReportStatus.OPEN)
    ))
    if not reports:
        raise InvalidInput("There are no open reports on this post.")
    if outcome == "hide_and_warn" and not policy.can_act_on_member(actor, post.author):
        # Otherwise the reporters would be told the author was warned when they were not.
        raise InvalidInput("You cannot warn the author of this post: choose “Hide” instead.",
                           field="outcome")
    reasons = ", ".join(dict.fromkeys(REPORT_REASONS[r.reason].lower() for r in reports))
    why = note or f"Reported by members: {reasons}."
    if outcome == "dismiss":
        if post.hidden_at is not None and post.hidden_by_id is None:
            _unhide_post(actor, post, "Reports dismissed")
    elif outcome in ("hide", "hide_and_warn"):
        if post.hidden_at is None or post.hidden_by_id is None:
            _hide_post(actor, post, why)
            _tell_post_hidden(post, why)
        if outcome == "hide_and_warn":
            _warn(actor, post.author, why, post=post)
    elif outcome == "lock":
        if post.hidden_at is not None and post.hidden_by_id is None:
            _unhide_post(actor, post, "Reports answered by locking the discussion")
        if not post.thread.locked:
            _lock(actor, post.thread, why)
    now = utcnow()
    for report in reports:
        report.status = ReportStatus.DISMISSED if outcome == "dismiss" else ReportStatus.RESOLVED
        report.resolved_at = now
        report.resolved_by_id = actor.id
        report.outcome = outcome
    post.open_report_count = 0
    audit(actor, "resolve_reports", "post", post.id, reason=note,
          after=f"{outcome.replace('_', ' ')} ({len(reports)} report{'s' if len(reports) != 1 else ''})")
    told: set[int] = set()
    for report in reports:
        if report.reporter_id in told:
            continue
        told.add(report.reporter_id)
        tell(report.reporter, kind="report_outcome", text=OUTCOME_TEXT[outcome],
             link=thread_path(post.thread_id), subject=f"The post you reported on {_site()}",
             email_text=(f"Thank you for reporting a post in “{post.thread.title}”.\n\n"
                         f"{OUTCOME_TEXT[outcome]}"))
    db.session.commit()
    return reports


def approve_post(actor: User, post: Post) -> Post:
    """Publish a post that waited in the queue (first posts, or a patient-data check);
    an opening post publishes its thread."""
    policy.require_moderator(actor)
    if not post.pending:
        raise InvalidInput("This post is not waiting for approval.")
    reason = post.pending_reason
    post.pending = False
    post.pending_reason = ""
    if post.hidden_at is not None:  # rejected earlier; a moderator changed their mind
        post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, ""
    thread = post.thread
    if post.is_opening:
        thread.pending = False
        if thread.hidden_at is not None:
            thread.hidden_at, thread.hidden_by_id, thread.hidden_reason = None, None, ""
    if reason != HOLD_EDIT:
        discussions.publish_counters(post)
    audit(actor, "approve_post", "post", post.id, reason=reason)
    if post.is_opening:
        _search_thread(thread)
    else:
        _search_post(post)
    tell(post.author, kind="post_approved",
         text=f"A moderator approved your post in “{thread.title}”: everyone can see it now.",
         link=thread_path(thread.id, post.id))
    db.session.commit()
    return post


def reject_post(actor: User, post: Post, *, reason: str) -> Post:
    """Keep a waiting post from being published; its author is told why."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if not post.pending:
        raise InvalidInput("This post is not waiting for approval.")
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id
    post.hidden_reason = reason
    audit(actor, "reject_post", "post", post.id, reason=reason)
    if post.is_opening and post.thread.hidden_at is None:
        post.thread.hidden_at = post.hidden_at
        post.thread.hidden_by_id = actor.id
        post.thread.hidden_reason = reason
    tell(post.author, kind="post_rejected",
         text=f"A moderator did not publish your post in “{post.thread.title}”. Reason: {reason}",
         link=thread_path(post.thread_id, post.id),
         subject=f"Your post on {_site()} was not published")
    db.session.commit()
    return post


# --- members ------------------------------------------------------------------------------

def _member_path(member: User) -> str:
    return _path("members.profile", f"/members/{member.id}", user_id=member.id)


def _warn(actor: User, member: User, reason: str, post: Post | None = None) -> None:
    audit(actor, "warn_member", "user", member.id, reason=reason,
          after=f"About post {post.id}" if post else None)
    link = thread_path(post.thread_id, post.id) if post else _member_path(member)
    tell(member, kind="warning", text=f"A moderator has warned you. Reason: {reason}", link=link,
         subject=f"A warning from the {_site()} moderators",
         email_text=(f"A moderator has sent you a warning.\n\nReason: {reason}\n\nPlease read "
                     f"the community guidelines. Further problems may lead to a suspension."))


def warn_member(actor: User, member: User, *, reason: str) -> User:
    policy.require(policy.can_act_on_member(actor, member), "You cannot warn this member.")
    _warn(actor, member, _reason(reason))
    db.session.commit()
    return member


def suspend_member(actor: User, member: User, *, until: datetime, reason: str) -> User:
    """Until `until`, the member reads nothing members-only and cannot post."""
    policy.require(policy.can_act_on_member(actor, member), "You cannot suspend this member.")
    reason = _reason(reason)
    if until.tzinfo is None:
        raise InvalidInput("Enter a date for the suspension to end", field="until")
    if until <= utcnow():
        raise InvalidInput("The date the suspension ends must be in the future", field="until")
    if member.status not in (Status.ACTIVE, Status.SUSPENDED):
        raise InvalidInput(f"{member.display_name} is not an active member.")
    before = member.status.value
    member.status = Status.SUSPENDED
    member.suspended_until = until
    member.suspension_reason = reason
    audit(actor, "suspend_member", "user", member.id, reason=reason, before=before,
          after=f"suspended until {until.isoformat()}")
    tell(member, kind="suspended",
         text=f"Your account is suspended until {format_date(until)}. Reason: {reason}",
         link=_member_path(member), subject=f"Your {_site()} account is suspended",
         email_text=(f"A moderator has suspended your account until {format_date(until)}.\n\n"
                     f"Reason: {reason}\n\nUntil then you cannot read members-only discussions "
                     f"or post. If you think this is a mistake, reply to this email."))
    db.session.commit()
    return member


def _lift(actor: User | None, member: User, reason: str) -> None:
    until = member.suspended_until
    before = f"suspended until {until.isoformat()}" if until else "suspended"
    member.status = Status.ACTIVE
    member.suspended_until = None
    member.suspension_reason = ""
    audit(actor, "lift_suspension" if actor else "suspension_ended", "user", member.id,
          reason=reason, before=before, after=Status.ACTIVE.value)


def lift_suspension(actor: User, member: User, *, reason: str = "") -> User:
    policy.require(policy.can_act_on_member(actor, member), "You cannot change this member.")
    reason = _reason(reason, required=False)
    if member.status != Status.SUSPENDED:
        raise InvalidInput(f"{member.display_name} is not suspended.")
    _lift(actor, member, reason)
    tell(member, kind="suspension_lifted", text="Your suspension has been lifted. Welcome back.",
         link=_member_path(member), subject=f"Your {_site()} suspension has been lifted")
    db.session.commit()
    return member


def end_expired_suspension(member: User) -> bool:
    """A suspension whose date has passed ends by itself (checked when the member comes back)."""
    if member.status != Status.SUSPENDED or member.suspended_until is None:
        return False
    if member.suspended_until > utcnow():
        return False
    _lift(None, member, "The suspension period ended")
    db.session.commit()
    return True


def add_staff_note(actor: User, member: User, *, body: str) -> StaffNote:
    """A private note for moderators about a member; members never see these."""
    policy.require(policy.can_see_staff_notes(actor))
    body = _text(body, field="body", required=True, what="a note", limit=NOTE_MAX)
    note = StaffNote(member_id=member.id, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    audit(actor, "add_staff_note", "user", member.id, after=f"Staff note {note.id}")
    db.session.commit()
    return note


def change_role(actor: User, member: User, *, role: Role, reason: str = "") -> User:
    """Admins make and unmake moderators."""
    policy.require(policy.can_manage_roles(actor), "Only admins can change roles.")
    reason = _reason(reason, required=False)
    if member.id == actor.id:
        raise InvalidInput("You cannot change your own role.")
    if role != member.role:
        before = member.role.value
        member.role = role
        audit(actor, "change_role", "user", member.id, reason=reason, before=before,
              after=role.value)
        db.session.commit()
    return member


PROFILE_PID_ACTION = "profile_patient_data_confirmed"


def profile_text_confirmed(actor: User, *, summary: str, commit: bool = True) -> AuditEntry:
    """A member confirmed their profile text holds no patient data although the guard found
    something: leave a trail the moderation queue shows, so a moderator can look."""
    entry = audit(actor, PROFILE_PID_ACTION, "user", actor.id, reason=f"The guard found {summary}.")
    if commit:
        db.session.commit()
    return entry
