"""Moderators' pages and actions, and members' reports. Every change is a POST; the role is
checked here and again in the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum.db import utcnow
from forum.discussions import policy as discussions_policy
from forum.discussions.models import Post, Thread
from forum.discussions.views import page_arg
from forum.errors import InvalidInput, NotFound
from forum.forms import BaseForm, show_error
from forum.members.models import Status, User
from forum.moderation import guard, policy, queries, services
from forum.moderation.forms import (
    AuditFilterForm,
    DeleteForm,
    MergeForm,
    MoveForm,
    OptionalReasonForm,
    ReasonForm,
    ReportForm,
    SlowModeForm,
    SplitForm,
    StaffNoteForm,
    SuspendForm,
    TitleForm,
    WarnForm,
)
from forum.moderation.models import REPORT_REASONS
from forum.qi import report_queries as qi_reports
from forum.templating import LONDON, format_datetime
from forum.urls import safe_next

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.record_once
def _template_globals(state) -> None:
    _check_hospital_patterns(state.app.config.get("PID_HOSPITAL_NUMBER_PATTERNS"))
    state.app.jinja_env.globals.update(
        moderation=policy, report_reasons=REPORT_REASONS, pid_confirm_field=guard.CONFIRM_FIELD,
        pid_confirm_value=guard.CONFIRM_VALUE,
    )


def _check_hospital_patterns(patterns: list[str] | None) -> None:
    """A mistyped trust pattern stops the app at start, not a member's post later."""
    import re

    for pattern in patterns or ():
        try:
            re.compile(pattern)
        except re.error as error:
            raise RuntimeError(f"PID_HOSPITAL_NUMBER_PATTERNS: {pattern!r} is not a valid "
                               f"regular expression ({error})") from error


@bp.before_app_request
def _end_expired_suspension() -> None:
    """A suspension ends by itself once its date has passed."""
    user = current_user
    if (getattr(user, "is_authenticated", False) and user.status == Status.SUSPENDED
            and user.suspended_until is not None and user.suspended_until <= utcnow()):
        services.end_expired_suspension(user)


# --- helpers ------------------------------------------------------------------------------

def _require_moderator() -> None:
    policy.require_moderator(current_user)


def _thread(thread_id: int) -> Thread:
    thread = queries.thread_for_moderation(thread_id)
    if thread is None:
        raise NotFound("No such discussion.")
    return thread


def _post(post_id: int) -> Post:
    post = queries.post_for_moderation(post_id)
    if post is None:
        raise NotFound("No such post.")
    return post


def _member(user_id: int) -> User:
    member = queries.get_member(user_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def _back(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), default)


def _thread_url(thread: Thread) -> str:
    return url_for("discussions.show_thread", thread_id=thread.id)


def _post_url(post: Post) -> str:
    return url_for("discussions.permalink", thread_id=post.thread_id, post_id=post.id)


def _form_page(form: BaseForm, apply: Callable[[BaseForm], Any], *, success: str | Callable[[Any], str],
               done: str | Callable[[Any], str], page: dict[str, Any],
               template: str = "moderation/action.html") -> Response | str:
    """GET shows the form; a valid POST makes one service call, then flashes and redirects;
    anything else shows the form again with the text kept and the message beside the field."""
    if form.validate_on_submit():
        try:
            result = apply(form)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(success(result) if callable(success) else success, "success")
            return redirect(done(result) if callable(done) else done, 303)
    return render_template(template, form=form, next=_back(""), **page)


def _one_click(apply: Callable[[], Any], *, success: str, done: str) -> Response:
    """A button with no form to fill: do it, or say why not, and go back."""
    try:
        apply()
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(success, "success")
    return redirect(_back(done), 303)


# --- the queue and the audit log ----------------------------------------------------------

@bp.get("/")
@login_required
def queue():
    _require_moderator()
    members, member_total = queries.waiting_members()
    return render_template(
        "moderation/queue.html",
        reported=queries.reported_posts(), report_total=queries.open_report_total(),
        reported_writeups=qi_reports.reported_writeups(),
        writeup_report_total=qi_reports.reported_writeup_total(),
        pending=queries.pending_posts(), pending_total=queries.pending_post_total(),
        members=members, member_total=member_total,
        profiles=queries.profile_confirmations(),
    )


@bp.get("/audit")
@login_required
def audit_log():
    _require_moderator()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Any action")] + [(a, a.replace("_", " ")) for a in queries.audit_actions()]
    form.actor.choices = [("", "Anyone")] + [(str(u.id), u.display_name) for u in queries.audit_actors()]
    # Only an actor offered in the list: a huge or odd number must not reach the database.
    listed = {value for value, _ in form.actor.choices if value}
    actor_id = int(form.actor.data) if form.actor.data in listed else None
    target_id = form.target_id.data if form.validate() else None
    target_type = form.target_type.data if form.target_type.data in ("thread", "post", "user") else None
    pagination = queries.audit_page(action=form.action.data or None, actor_id=actor_id,
                                    target_type=target_type, target_id=target_id,
                                    page=page_arg())
    entries = list(pagination.items)
    return render_template("moderation/audit.html", form=form, pagination=pagination,
                           entries=entries, targets=queries.audit_targets(entries))


# --- threads ------------------------------------------------------------------------------

@bp.post("/threads/<int:thread_id>/pin")
@login_required
def pin_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _one_click(lambda: services.pin_thread(current_user, thread),
                      success="The discussion is pinned to the top of its board.",
                      done=_thread_url(thread))


@bp.post("/threads/<int:thread_id>/unpin")
@login_required
def unpin_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _one_click(lambda: services.unpin_thread(current_user, thread),
                      success="The discussion is no longer pinned.", done=_thread_url(thread))


@bp.route("/threads/<int:thread_id>/lock", methods=["GET", "POST"])
@login_required
def lock_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _form_page(
        ReasonForm(), lambda f: services.lock_thread(current_user, thread, reason=f.reason.data),
        success="The discussion is locked.", done=_thread_url(thread),
        page={"title": "Lock this discussion", "thread": thread, "submit": "Lock discussion",
              "intro": "No one but moderators can reply to a locked discussion. "
                       "Everyone sees the reason you give."},
    )


@bp.post("/threads/<int:thread_id>/unlock")
@login_required
def unlock_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _one_click(lambda: services.unlock_thread(current_user, thread),
                      success="The discussion is unlocked.", done=_thread_url(thread))


@bp.route("/threads/<int:thread_id>/slow-mode", methods=["GET", "POST"])
@login_required
def slow_mode(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    form = SlowModeForm(data={"minutes": thread.slow_mode_minutes})
    return _form_page(
        form, lambda f: services.set_slow_mode(current_user, thread, minutes=f.minutes.data,
                                               reason=f.reason.data),
        success=lambda t: (f"Slow mode is on: one post per member every {t.slow_mode_minutes} "
                           f"minutes." if t.slow_mode_minutes else "Slow mode is off."),
        done=_thread_url(thread),
        page={"title": "Slow mode", "thread": thread, "submit": "Save slow mode",
              "intro": "In slow mode each member can post once every so many minutes in this "
                       "discussion. Moderators are not slowed."},
    )


@bp.route("/threads/<int:thread_id>/title", methods=["GET", "POST"])
@login_required
def edit_title(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    form = TitleForm(data={"title": thread.title})
    return _form_page(
        form, lambda f: services.edit_title(current_user, thread, title=f.title.data,
                                            reason=f.reason.data),
        success="The title has been changed.", done=_thread_url(thread),
        page={"title": "Change the title", "thread": thread, "submit": "Save title"},
    )


@bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int):
    _require_moderator()
    from forum.discussions import queries as dq

    thread = _thread(thread_id)
    boards, alliances, professions = dq.boards(), dq.alliances(), dq.professions()
    form = MoveForm(data={"board": thread.board_id, "alliance": thread.alliance_id,
                          "professions": [p.id for p in thread.professions]})
    form.set_choices(boards, alliances, professions)

    def apply(f: MoveForm):
        return services.move_thread(
            current_user, thread, board=next(b for b in boards if b.id == f.board.data),
            alliance=next((a for a in alliances if a.id == f.alliance.data), None),
            professions=[p for p in professions if p.id in (f.professions.data or [])],
            reason=f.reason.data,
        )

    return _form_page(form, apply, success="The discussion has been moved.",
                      done=_thread_url(thread),
                      page={"title": "Move this discussion", "thread": thread,
                            "submit": "Move discussion",
                            "intro": "Choose the board, alliance and professions it belongs to."})


@bp.route("/threads/<int:thread_id>/hide", methods=["GET", "POST"])
@login_required
def hide_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _form_page(
        ReasonForm(), lambda f: services.hide_thread(current_user, thread, reason=f.reason.data),
        success="The discussion is hidden. Its author has been told why.",
        done=_thread_url(thread),
        page={"title": "Hide this discussion", "thread": thread, "submit": "Hide discussion",
              "intro": "Only moderators and the author will see it. The author is told the "
                       "reason you give."},
    )


@bp.post("/threads/<int:thread_id>/unhide")
@login_required
def unhide_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    return _one_click(lambda: services.unhide_thread(current_user, thread),
                      success="The discussion is visible again.", done=_thread_url(thread))


@bp.route("/threads/<int:thread_id>/merge", methods=["GET", "POST"])
@login_required
def merge_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)

    def apply(f: MergeForm):
        target_id = f.target_id()
        target = queries.thread_for_moderation(target_id) if target_id else None
        if target is None:
            raise InvalidInput("Enter the number or web address of an existing discussion",
                               field="target")
        return services.merge_thread(current_user, thread, target, reason=f.reason.data)

    return _form_page(
        MergeForm(), apply, success=lambda t: f"The discussion has been merged into “{t.title}”.",
        done=lambda t: _thread_url(t),
        page={"title": "Merge this discussion into another", "thread": thread,
              "submit": "Merge discussions",
              "intro": "Every post moves to the other discussion, keeping its order and who it "
                       "replies to. This discussion's address will lead there."},
    )


@bp.route("/threads/<int:thread_id>/split", methods=["GET", "POST"])
@login_required
def split_thread(thread_id: int):
    _require_moderator()
    thread = _thread(thread_id)
    replies = queries.thread_replies(thread)
    form = SplitForm()
    form.posts.choices = [
        (p.id, f"{p.author.display_name}, {format_datetime(p.created_at)}: "
               f"{' '.join(p.body_source.split())[:120]}") for p in replies
    ]

    def apply(f: SplitForm):
        chosen = [p for p in replies if p.id in (f.posts.data or [])]
        return services.split_thread(current_user, thread, chosen, title=f.title.data,
                                     reason=f.reason.data)

    return _form_page(form, apply, success="The replies are now a discussion of their own.",
                      done=lambda t: _thread_url(t),
                      page={"title": "Split replies into a new discussion", "thread": thread,
                            "submit": "Split into a new discussion",
                            "intro": "The earliest reply you choose opens the new discussion; "
                                     "replies keep who they answer where they can."})


@bp.route("/threads/<int:thread_id>/delete", methods=["GET", "POST"])
@login_required
def delete_thread(thread_id: int):
    policy.require_admin(current_user)
    thread = _thread(thread_id)
    board_url = url_for("discussions.show_board", slug=thread.board.slug)
    return _form_page(
        DeleteForm(),
        lambda f: services.delete_thread_permanently(current_user, thread, reason=f.reason.data),
        success="The discussion has been deleted permanently.", done=board_url,
        page={"title": "Delete this discussion permanently", "thread": thread,
              "submit": "Delete permanently", "warning": True,
              "intro": "The discussion and every post in it will be gone for good. This cannot "
                       "be undone. To keep a trail, hide it instead."},
    )


# --- posts --------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    _require_moderator()
    post = _post(post_id)
    return _form_page(
        ReasonForm(), lambda f: services.hide_post(current_user, post, reason=f.reason.data),
        success="The post is hidden. Its author has been told why.", done=_back(_post_url(post)),
        page={"title": "Hide this post", "post": post, "thread": post.thread,
              "submit": "Hide post",
              "intro": "Others will see “hidden by a moderator”. The author still sees the post "
                       "and the reason you give."},
    )


@bp.post("/posts/<int:post_id>/unhide")
@login_required
def unhide_post(post_id: int):
    _require_moderator()
    post = _post(post_id)
    return _one_click(lambda: services.unhide_post(current_user, post),
                      success="The post is visible again.", done=_post_url(post))


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    policy.require_admin(current_user)
    post = _post(post_id)
    return _form_page(
        DeleteForm(),
        lambda f: services.delete_post_permanently(current_user, post, reason=f.reason.data),
        success="The post has been deleted permanently.", done=_thread_url(post.thread),
        page={"title": "Delete this post permanently", "post": post, "thread": post.thread,
              "submit": "Delete permanently", "warning": True,
              "intro": "The post and every earlier version of it will be gone for good. This "
                       "cannot be undone. Replies to it stay."},
    )


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    post = _post(post_id)
    if not discussions_policy.can_view_post(current_user, post):
        raise NotFound("No such post.")
    policy.require(policy.can_report(current_user, post), "You cannot report this post.")
    return _form_page(
        ReportForm(),
        lambda f: services.report_post(current_user, post, reason=f.reason.data,
                                       detail=f.detail.data),
        success="Thank you. A moderator will look at the post and we will tell you what they "
                "decide.",
        done=_post_url(post), template="moderation/report.html",
        page={"title": "Report this post", "post": post, "thread": post.thread},
    )


@bp.post("/posts/<int:post_id>/resolve")
@login_required
def resolve_reports(post_id: int):
    _require_moderator()
    post = _post(post_id)
    outcome = request.form.get("outcome", "")
    note = request.form.get("note", "")
    messages = {"dismiss": "Reports dismissed: the post stays.", "hide": "The post is hidden.",
                "hide_and_warn": "The post is hidden and its author warned.",
                "lock": "The discussion is locked."}
    return _one_click(
        lambda: services.resolve_reports(current_user, post, outcome=outcome, note=note),
        success=messages.get(outcome, "Done.") + " The people who reported it have been told.",
        done=url_for("moderation.queue"),
    )


@bp.post("/posts/<int:post_id>/approve")
@login_required
def approve_post(post_id: int):
    _require_moderator()
    post = _post(post_id)
    return _one_click(lambda: services.approve_post(current_user, post),
                      success="The post is published.", done=url_for("moderation.queue"))


@bp.route("/posts/<int:post_id>/reject", methods=["GET", "POST"])
@login_required
def reject_post(post_id: int):
    _require_moderator()
    post = _post(post_id)
    return _form_page(
        ReasonForm(), lambda f: services.reject_post(current_user, post, reason=f.reason.data),
        success="The post will not be published. Its author has been told why.",
        done=_back(url_for("moderation.queue")),
        page={"title": "Do not publish this post", "post": post, "thread": post.thread,
              "submit": "Do not publish",
              "intro": "The author is told the reason you give."},
    )


# --- members ------------------------------------------------------------------------------

def _member_page(member: User, *, warn: WarnForm | None = None,
                 suspend: SuspendForm | None = None, note: StaffNoteForm | None = None,
                 lift: OptionalReasonForm | None = None):
    return render_template(
        "moderation/member.html", member=member,
        warn_form=warn or WarnForm(formdata=None, prefix="warn"),
        suspend_form=suspend or SuspendForm(formdata=None, prefix="suspend"),
        note_form=note or StaffNoteForm(formdata=None, prefix="note"),
        lift_form=lift or OptionalReasonForm(formdata=None, prefix="lift"),
        notes=queries.staff_notes(member), history=queries.member_history(member),
        reports_against=queries.reports_against(member), waiting=queries.waiting_posts(member),
    )


def _member_action(member: User, form: BaseForm, key: str, apply: Callable[[BaseForm], Any],
                   success: str):
    if form.validate_on_submit():
        try:
            apply(form)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(success, "success")
            return redirect(url_for("moderation.member", user_id=member.id), 303)
    return _member_page(member, **{key: form})


@bp.get("/members/<int:user_id>")
@login_required
def member(user_id: int):
    _require_moderator()
    return _member_page(_member(user_id))


@bp.post("/members/<int:user_id>/warn")
@login_required
def warn_member(user_id: int):
    _require_moderator()
    member = _member(user_id)
    return _member_action(member, WarnForm(prefix="warn"), "warn",
                          lambda f: services.warn_member(current_user, member, reason=f.reason.data),
                          f"{member.display_name} has been warned.")


def _end_of_day(day) -> datetime:
    """A suspension "until 3 March" lasts to the end of 3 March, London time."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


@bp.post("/members/<int:user_id>/suspend")
@login_required
def suspend_member(user_id: int):
    _require_moderator()
    member = _member(user_id)
    return _member_action(
        member, SuspendForm(prefix="suspend"), "suspend",
        lambda f: services.suspend_member(current_user, member, until=_end_of_day(f.until.data),
                                          reason=f.reason.data),
        f"{member.display_name} is suspended.",
    )


@bp.post("/members/<int:user_id>/lift")
@login_required
def lift_suspension(user_id: int):
    _require_moderator()
    member = _member(user_id)
    return _member_action(
        member, OptionalReasonForm(prefix="lift"), "lift",
        lambda f: services.lift_suspension(current_user, member, reason=f.reason.data),
        f"{member.display_name}'s suspension has been lifted.",
    )


@bp.post("/members/<int:user_id>/notes")
@login_required
def add_note(user_id: int):
    _require_moderator()
    member = _member(user_id)
    return _member_action(member, StaffNoteForm(prefix="note"), "note",
                          lambda f: services.add_staff_note(current_user, member, body=f.body.data),
                          "Your note has been added.")
