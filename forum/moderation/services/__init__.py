"""Moderators' actions, members' reports, and the audit trail every action leaves.

Each public service checks policy (the role is re-checked here, whatever the view did),
changes state, writes the audit entry, the notifications and the search outbox rows, and
commits once. Private `_helpers` change state without committing so that one queue action
(hide and warn, say) stays one transaction.

One module per thing acted on: `threads`, `posts`, `reports`, `members`; `common` holds what
they share. Everything public is importable from here as before.
"""

from forum.moderation.services.common import NOTE_MAX, REASON_MAX, audit, tell, thread_path
from forum.moderation.services.members import (
    PROFILE_PID_ACTION,
    add_staff_note,
    end_expired_suspension,
    lift_suspension,
    profile_text_confirmed,
    suspend_member,
    warn_member,
)
from forum.moderation.services.posts import (
    approve_post,
    delete_post_permanently,
    hide_post,
    reject_post,
    unhide_post,
)
from forum.moderation.services.reports import (
    AUTO_HIDE_REASON,
    AUTO_HIDE_REPORTS,
    OUTCOME_TEXT,
    QUEUE_OUTCOMES,
    report_post,
    resolve_reports,
)
from forum.moderation.services.threads import (
    delete_thread_permanently,
    edit_title,
    hide_thread,
    lock_thread,
    merge_thread,
    move_thread,
    pin_thread,
    set_slow_mode,
    split_thread,
    unhide_thread,
    unlock_thread,
    unpin_thread,
)

__all__ = [
    "AUTO_HIDE_REASON", "AUTO_HIDE_REPORTS", "NOTE_MAX", "OUTCOME_TEXT", "PROFILE_PID_ACTION",
    "QUEUE_OUTCOMES", "REASON_MAX", "add_staff_note", "approve_post", "audit",
    "delete_post_permanently", "delete_thread_permanently", "edit_title",
    "end_expired_suspension", "hide_post", "hide_thread", "lift_suspension", "lock_thread",
    "merge_thread", "move_thread", "pin_thread", "profile_text_confirmed", "reject_post",
    "report_post", "resolve_reports", "set_slow_mode", "split_thread", "suspend_member", "tell",
    "thread_path", "unhide_post", "unhide_thread", "unlock_thread", "unpin_thread", "warn_member",
]
