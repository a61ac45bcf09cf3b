"""Boards, threads and posts: thin views over discussions.queries and discussions.services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from forum.community.models import Board
from forum.discussions import policy, queries, services
from forum.discussions.forms import (
    INVALID,
    EditOpeningPostForm,
    EditPostForm,
    FilterForm,
    ReplyForm,
    ThreadForm,
)
from forum.discussions.models import Post, Thread
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.forms import BaseForm, show_error
from forum.markup import render
from forum.moderation.guard import check_patient_data

bp = Blueprint("discussions", __name__)

MAX_PAGE = 100_000
PENDING_MESSAGE = ("Thank you. A moderator will check your post before others can see it. "
                   "You can see it already.")


class SignInRequired(Exception):
    """A visitor asked for something only members can read: send them to sign in."""


@bp.app_errorhandler(SignInRequired)
def _sign_in(error: SignInRequired) -> Response:
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


@bp.record_once
def _template_globals(state) -> None:
    """Templates (and the macros they import) ask policy whether to show a button."""
    state.app.jinja_env.globals.update(policy=policy, is_pan_london=queries.is_pan_london,
                                       link=link)


_PROBE = 7_919_000_000  # a number no real id reaches, to find where ids go in a URL


def link(endpoint: str, **ids: int) -> str:
    """url_for for links whose values are all ids, remembered per request by shape.

    A 100-post thread builds several links per post; werkzeug's full build for each one
    was a good part of the page's time.
    """
    shapes: dict = g.setdefault("_link_shapes", {})
    key = (endpoint, *sorted(ids))
    shape = shapes.get(key)
    if shape is None:
        names = sorted(ids)
        built = url_for(endpoint, **{n: _PROBE + i for i, n in enumerate(names)})
        parts: list[str | int] = [built]
        for i in range(len(names)):
            marker = str(_PROBE + i)
            split = []
            for part in parts:
                if isinstance(part, str) and marker in part:
                    before, after = part.split(marker, 1)
                    split += [before, i, after]
                else:
                    split.append(part)
            parts = split
        shape = shapes[key] = (names, parts)
    names, parts = shape
    return "".join(p if isinstance(p, str) else str(int(ids[names[p]])) for p in parts)


# --- helpers ------------------------------------------------------------------------------

def page_arg() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def require_board(board: Board) -> None:
    if not policy.can_view_board(current_user, board):
        if not current_user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied("Your account cannot read members-only boards at the moment.")


def require_thread(thread: Thread) -> None:
    require_board(thread.board)
    if not policy.can_view_thread(current_user, thread):
        raise NotFound("No such discussion.")


def load_thread(thread_id: int) -> Thread:
    thread = queries.get_thread(thread_id)
    if thread is None:
        raise NotFound("No such discussion.")
    require_thread(thread)
    return thread


def load_post(post_id: int) -> Post:
    post = queries.get_post(post_id)
    if post is None:
        raise NotFound("No such post.")
    require_thread(post.thread)
    if not policy.can_view_post(current_user, post):
        raise NotFound("No such post.")
    return post


def post_url(post: Post) -> str:
    return url_for("discussions.show_thread", thread_id=post.thread_id, _anchor=f"post-{post.id}")


def preview_of(form: BaseForm) -> Markup | None:
    """The rendered body when the Preview button was pressed (render() is our sanitiser)."""
    if "preview" not in request.form:
        return None
    body = form.body.data or ""
    return Markup(render(body[: services.BODY_MAX]))  # noqa: S704  (render output is clean)


# --- lists --------------------------------------------------------------------------------

@bp.get("/discussions")
def list_threads():
    boards, alliances, professions = queries.boards(), queries.alliances(), queries.professions()
    form = FilterForm(formdata=request.args)
    form.set_choices(boards, alliances, professions)
    narrowed: dict[str, Any] = {}
    if request.args:
        form.validate()
    for name, options in (("board", boards), ("alliance", alliances),
                          ("profession", professions)):
        value = getattr(form, name).data
        if value and not getattr(form, name).errors:
            narrowed[name] = next(o for o in options if o.slug == value)
    page = queries.threads_page(current_user, page=page_arg(), **narrowed)
    return render_template("discussions/list.html", form=form, page=page, narrowed=narrowed)


@bp.get("/boards/<slug>")
def show_board(slug: str):
    board = queries.board_by_slug(slug)
    if board is None:
        raise NotFound("No such board.")
    require_board(board)
    page = queries.threads_page(current_user, board=board, page=page_arg())
    return render_template("discussions/board.html", board=board, page=page)


# --- starting a thread --------------------------------------------------------------------

@bp.route("/discussions/new", methods=["GET", "POST"])
@login_required
def new_thread():
    if not policy.is_member(current_user):
        raise PermissionDenied("Your account cannot start discussions at the moment.")
    boards = queries.boards(in_use=True)
    alliances, professions = queries.alliances(in_use=True), queries.professions(in_use=True)
    form = ThreadForm()
    form.set_choices(boards, alliances, professions)
    if request.method == "GET":
        chosen = next((b for b in boards if b.slug == request.args.get("board")), None)
        form.board.data = chosen.id if chosen else None
        form.alliance.data = _default_alliance(alliances)
    preview = pid = None
    if form.is_submitted() and form.validate():
        preview = preview_of(form)
        if preview is None:
            pid = check_patient_data(title=form.title.data, body=form.body.data)
        if pid is not None and not pid.blocked:
            try:
                thread = services.start_thread(
                    current_user, board=next(b for b in boards if b.id == form.board.data),
                    title=form.title.data, body=form.body.data,
                    alliance=next((a for a in alliances if a.id == form.alliance.data), None),
                    professions=[p for p in professions if p.id in (form.professions.data or [])],
                    hold=pid.hold,
                )
            except InvalidInput as error:
                show_error(form, error)
            else:
                flash(PENDING_MESSAGE if thread.pending else "Your discussion has started.",
                      "success")
                return redirect(url_for("discussions.show_thread", thread_id=thread.id), 303)
    return render_template("discussions/new_thread.html", form=form, preview=preview, pid=pid)


def _default_alliance(alliances) -> int | None:
    """The member's own alliance, unless it is pan-London."""
    mine = current_user.alliance_id
    return mine if any(a.id == mine and not queries.is_pan_london(a) for a in alliances) else None


# --- a thread -----------------------------------------------------------------------------

@bp.get("/threads/<int:thread_id>")
def show_thread(thread_id: int):
    thread = load_thread(thread_id)
    if thread.merged_into_id is not None:
        return redirect(url_for("discussions.show_thread", thread_id=thread.merged_into_id), 301)
    return render_thread(thread, ReplyForm())


def render_thread(thread: Thread, form: ReplyForm, status: int = 200):
    flat = request.args.get("view") == "flat"
    posts = queries.thread_posts(thread, current_user)
    opening, tree = queries.build_tree(posts)
    return render_template(
        "discussions/thread.html", thread=thread, opening=opening, tree=tree,
        posts=posts, by_id={p.id: p for p in posts}, flat=flat, form=form,
        refusal=policy.reply_refusal(current_user, thread),
        view_arg="flat" if flat else None, can_reply_here=policy.can_reply(current_user, thread),
        viewer=current_user._get_current_object() if current_user.is_authenticated else None,
    ), status


@bp.post("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id: int):
    thread = load_thread(thread_id)
    form = ReplyForm()
    valid = form.validate()
    reply_to = None
    if form.reply_to.data is not None:
        reply_to = queries.get_post(form.reply_to.data) if form.reply_to.data != INVALID else None
        if reply_to is None or not policy.can_view_post(current_user, reply_to):
            form.form_errors.append("The post you are replying to could not be found.")
            reply_to, valid = None, False
    if not valid:
        return _reply_page(thread, form, reply_to)
    return _reply(thread, form, reply_to)


def _reply_page(thread: Thread, form: ReplyForm, parent: Post | None,
                refusal: str | None = None, status: int = 200, pid: Any = None):
    return render_template("discussions/reply.html", thread=thread, parent=parent, form=form,
                           refusal=refusal, pid=pid), status


def _reply(thread: Thread, form: ReplyForm, reply_to: Post | None):
    pid = check_patient_data(body=form.body.data)
    if pid.blocked:
        return _reply_page(thread, form, reply_to, pid=pid)
    try:
        post = services.reply_to_thread(current_user, thread, body=form.body.data,
                                        reply_to=reply_to, hold=pid.hold)
    except PermissionDenied as error:
        form.body.errors = [error.message]
        return _reply_page(thread, form, reply_to, error.message, 403)
    except InvalidInput as error:
        show_error(form, error)
        return _reply_page(thread, form, reply_to)
    flash(PENDING_MESSAGE if post.pending else "Your reply has been posted.", "success")
    return redirect(post_url(post), 303)


# --- a post -------------------------------------------------------------------------------

@bp.get("/posts/<int:post_id>")
def show_post(post_id: int):
    return redirect(post_url(load_post(post_id)))


@bp.route("/posts/<int:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply_to_post(post_id: int):
    parent = load_post(post_id)
    thread = parent.thread
    form = ReplyForm()
    if request.method == "POST":
        if form.validate():
            return _reply(thread, form, parent)
        return _reply_page(thread, form, parent)
    refusal = policy.reply_refusal(current_user, thread)
    return _reply_page(thread, form, parent, refusal, 403 if refusal else 200)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = load_post(post_id)
    if not policy.can_edit_post(current_user, post):
        raise PermissionDenied("You can only edit your own posts.")
    form_class = EditOpeningPostForm if post.is_opening else EditPostForm
    form = form_class(data={"body": post.body_source, "title": post.thread.title})
    preview = pid = None
    if form.is_submitted() and form.validate():
        preview = preview_of(form)
        if preview is None:
            pid = check_patient_data(title=form.title.data if post.is_opening else None,
                                     body=form.body.data)
        if pid is not None and not pid.blocked:
            try:
                services.edit_post(current_user, post, body=form.body.data,
                                   title=form.title.data if post.is_opening else None,
                                   hold=pid.hold_for_edit(already_published=not post.pending))
            except InvalidInput as error:
                show_error(form, error)
            else:
                flash(PENDING_MESSAGE if post.pending else "Your changes have been saved.",
                      "success")
                return redirect(post_url(post), 303)
    return render_template("discussions/edit_post.html", post=post, form=form, preview=preview,
                           pid=pid)


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    post = load_post(post_id)
    if not policy.can_delete_post(current_user, post):
        raise PermissionDenied("You can only delete your own posts.")
    if request.method == "POST":
        services.delete_post(current_user, post)
        flash("Your post has been deleted.", "success")
        return redirect(post_url(post), 303)
    return render_template("discussions/delete_post.html", post=post)


@bp.get("/posts/<int:post_id>/history")
def post_history(post_id: int):
    post = load_post(post_id)
    if not policy.can_see_history(current_user, post):
        raise PermissionDenied("The history of this post is not available to you.")
    return render_template("discussions/history.html", post=post,
                           revisions=queries.revisions(post, current_user))
