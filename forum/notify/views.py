"""The member's notifications: moderation outcomes, hidden posts, approvals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum.discussions.views import page_arg
from forum.notify import queries, services

bp = Blueprint("notify", __name__)


@bp.get("/notifications")
@login_required
def notifications():
    pagination = queries.notifications_page(current_user, page_arg())
    return render_template("notify/notifications.html", pagination=pagination)


@bp.post("/notifications/read")
@login_required
def mark_read():
    count = services.mark_all_read(current_user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for("notify.notifications"))


@bp.app_context_processor
def _unread() -> dict:
    """The unread count for the header, asked lazily so pages that don't show it pay nothing."""
    def unread_notifications() -> int:
        return queries.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": unread_notifications}
