"""Notifications, following, email preferences and one-click unsubscribe: thin views over
forum.notify's queries and services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum.community.models import Alliance, Board, Profession
from forum.discussions import policy
from forum.discussions.views import load_thread, page_arg
from forum.errors import InvalidInput, PermissionDenied
from forum.events import queries as event_queries
from forum.extensions import csrf, db
from forum.forms import show_error
from forum.notify import follows, mentions, preferences, queries, services
from forum.notify.forms import FollowDiscussionsForm, PreferencesForm
from forum.qi import queries as qi_queries
from forum.qi.policy import FOLLOW_KIND as QI
from forum.ratelimits import allow
from forum.urls import safe_next

bp = Blueprint("notify", __name__)


@bp.get("/notifications")
@login_required
def notifications():
    pagination = queries.notifications_page(current_user, page_arg())
    return render_template("notify/notifications.html", pagination=pagination)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Opening a notification marks it read and goes to the exact post. Like a thread's
    read mark, this is set by reading (a GET), and only ever moves forward."""
    note = queries.notification_of(current_user, notification_id)
    if note is None:
        abort(404)
    services.mark_read(current_user, note)
    return redirect(safe_next(note.link, url_for("notify.notifications")))


@bp.post("/notifications/read")
@login_required
def mark_read():
    count = services.mark_all_read(current_user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for("notify.notifications"))


# --- following ----------------------------------------------------------------------------

@bp.post("/threads/<int:thread_id>/follow")
@login_required
def follow_thread(thread_id: int):
    thread = load_thread(thread_id)
    on = request.form.get("follow") != "0"
    follows.follow_thread(current_user, thread, on=on)
    flash("You are following this discussion." if on else
          "You have stopped following this discussion.", "success")
    return redirect(url_for("discussions.show_thread", thread_id=thread.id), 303)


def _follow_form() -> FollowDiscussionsForm:
    form = FollowDiscussionsForm()
    boards, alliances, professions = queries.followable(current_user)
    form.board.choices = [(0, "Any board")] + [(b.id, b.name) for b in boards]
    form.alliance.choices = [(0, "Any alliance")] + [(a.id, a.name) for a in alliances]
    form.profession.choices = [(0, "Any profession")] + [(p.id, p.name) for p in professions]
    return form


@bp.route("/following", methods=["GET", "POST"])
@login_required
def following():
    form = _follow_form()
    if form.validate_on_submit():
        try:
            follows.follow_discussions(
                current_user, board=db.session.get(Board, form.board.data or 0),
                alliance=db.session.get(Alliance, form.alliance.data or 0),
                profession=db.session.get(Profession, form.profession.data or 0),
                on=request.form.get("follow") != "0")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Saved what you follow.", "success")
            return redirect(safe_next(form.next.data, url_for("notify.following")), 303)
    rows = follows.follows_of(current_user)
    threads = follows.followed_threads(rows)
    writeups = qi_queries.readable_titles(current_user, [
        r.target_id for r in rows if r.target_kind == QI and r.target_id])
    events = event_queries.visible_titles(current_user, [
        r.target_id for r in rows if r.target_kind == follows.EVENT and r.target_id])
    return render_template("notify/following.html", form=form, rows=rows, threads=threads,
                           writeups=writeups, events=events, describe=follows.describe,
                           qi_kind=QI), 400 if form.errors else 200


@bp.post("/following/<int:follow_id>/stop")
@login_required
def stop_following(follow_id: int):
    follows.stop_following(current_user, follow_id)
    flash("You have stopped following it.", "success")
    return redirect(url_for("notify.following"), 303)


# --- email preferences and unsubscribing --------------------------------------------------

@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def edit_preferences():
    settings = preferences.settings_for([current_user.id])[current_user.id]
    form = PreferencesForm(obj=settings)
    if form.validate_on_submit():
        try:
            preferences.update_preferences(
                current_user, modes={k: form[k].data for k in preferences.KINDS},
                weekly_day=form.weekly_day.data, weekly_hour=form.weekly_hour.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Your email preferences are saved.", "success")
            return redirect(url_for("notify.edit_preferences"), 303)
    return render_template("notify/preferences.html", form=form, settings=settings,
                           email=current_user.email), 400 if form.errors else 200


@bp.post("/notifications/preferences/resume")
@login_required
def resume_email():
    preferences.resume_email(current_user)
    flash("We will email you again.", "success")
    return redirect(url_for("notify.edit_preferences"), 303)


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail systems POST here with no cookies; the signed token is the key
def unsubscribe(token: str):
    """GET shows a confirm page (link scanners follow GETs); POST stops that kind of email."""
    found = preferences.read_token(token)
    if found is None:
        return render_template("notify/unsubscribe.html", invalid=True), 404
    kind = found[1]
    what = "email from us" if kind == "all" else preferences.KINDS[kind].lower()
    if request.method == "POST":
        preferences.unsubscribe(token)
        return render_template("notify/unsubscribe.html", done=True, what=what)
    return render_template("notify/unsubscribe.html", what=what, token=token)


# --- mention suggestions --------------------------------------------------------------------

@bp.get("/members/mention-suggestions")
@login_required
def mention_suggestions() -> Response:
    """Members the signed-in member can mention whose names match `q`, for the autocomplete."""
    if not policy.is_member(current_user):
        raise PermissionDenied("Your account cannot post at the moment.")
    if not allow("mention_lookup", str(current_user.id)):
        return jsonify({"error": "Too many lookups. Wait a minute."}), 429  # type: ignore[return-value]
    found = mentions.suggestions(request.args.get("q", ""))
    return jsonify([m for m in found if m["id"] != current_user.id])


@bp.app_context_processor
def _unread() -> dict:
    """The unread count for the header, asked lazily so pages that don't show it pay nothing;
    and whether the member follows a thread or board, for its Follow button."""
    def unread_notifications() -> int:
        return queries.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": unread_notifications,
            "is_following_thread": follows.is_following_thread,
            "is_following_topic": follows.following_discussions,
            "is_following_target": follows.is_following_target}
