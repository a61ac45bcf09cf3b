"""Boards, threads and posts: thin views over discussions.queries and discussions.services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from forum.community.models import Board
from forum.discussions import drafting, held, paging, policy, queries, services
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
from forum.ratelimits import allow

bp = Blueprint("discussions", __name__)

MAX_PAGE = 100_000


def pending_message() -> str:
    """What the author reads after saving a post that waits for a moderator: short, since the
    note on the post itself (held.message) says why and for how long, once on the page."""
    return ("Thank you. Your post is saved. Only you and the moderators can see it for now: "
            "the note on your post says why.")


class SignInRequired(Exception):
    """A visitor asked for something only members can read: send them to sign in."""


@bp.app_errorhandler(SignInRequired)
def _sign_in(error: SignInRequired) -> Response:
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


@bp.record_once
def _template_globals(state) -> None:
    """Templates (and the macros they import) ask policy whether to show a button."""
    state.app.jinja_env.globals.update(policy=policy, is_pan_london=queries.is_pan_london,
                                       link=link, held=held)


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
    """The page and anchor that show the post, however long the thread has grown."""
    return _located(post)


def previewing() -> bool:
    return "preview" in request.form


_TOO_FAST = {
    "preview": "You have previewed a lot in the last few minutes. Wait a minute, then preview again",
    "post": "You have posted a lot in the last few minutes. Wait a minute, then try again",
}


def accepted(form: BaseForm) -> bool:
    """The form was sent within this member's rate for previews or posts, and is valid.

    The rate is checked first, so a refused request costs nothing (validating parses the
    Markdown); when refused, the message is beside the field and the text is kept."""
    scope = "preview" if previewing() else "post"
    if not allow(scope, f"member:{current_user.id}"):
        form.body.errors = [_TOO_FAST[scope]]
        return False
    return form.validate()


def preview_of(form: BaseForm) -> Markup:
    """The rendered body for the Preview button (render() is our sanitiser; the form has
    checked the body is within its limits)."""
    return Markup(render(form.body.data or ""))  # noqa: S704  (render output is clean)


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
    return render_template("discussions/list.html", form=form, page=page, narrowed=narrowed,
                           reads=queries.read_states(current_user, page.items))


@bp.get("/boards/<slug>")
def show_board(slug: str):
    board = queries.board_by_slug(slug)
    if board is None:
        raise NotFound("No such board.")
    require_board(board)
    page = queries.threads_page(current_user, board=board, page=page_arg())
    return render_template("discussions/board.html", board=board, page=page,
                           reads=queries.read_states(current_user, page.items))


@bp.post("/boards/<slug>/read")
@login_required
def mark_board_read(slug: str):
    board = queries.board_by_slug(slug)
    if board is None:
        raise NotFound("No such board.")
    require_board(board)
    services.mark_board_read(current_user, board)
    flash(f"Every discussion in {board.name} is marked as read.", "success")
    return redirect(url_for("discussions.show_board", slug=board.slug), 303)


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
        form.draft = queries.draft_for(current_user, None)
        if form.draft is not None:
            form.title.data, form.body.data = form.draft.title, form.draft.body
    elif drafting.pressed():
        return drafting.answer(form, thread=None, back=url_for("discussions.new_thread"),
                             page=lambda **kw: render_template(
                                 "discussions/new_thread.html", form=form, preview=None,
                                 pid=None, **kw))
    preview = pid = None
    if form.is_submitted() and accepted(form):
        if previewing():
            preview = preview_of(form)
        else:
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
                flash(pending_message() if thread.pending
                      else "Your discussion has started.", "success")
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
    return render_thread(thread)


@bp.get("/threads/<int:thread_id>/posts/<int:post_id>/replies")
def show_branch(thread_id: int, post_id: int):
    """A branch too long for the thread page: one reply and everything under it, paged."""
    thread = load_thread(thread_id)
    if thread.merged_into_id is not None:
        raise NotFound("No such post.")
    return render_thread(thread, branch_id=post_id)


def render_thread(thread: Thread, branch_id: int | None = None):
    flat = branch_id is None and request.args.get("view") == "flat"
    shown = queries.thread_page(thread, current_user, page=page_arg(), flat=flat,
                                branch_id=branch_id)
    if shown is None:
        raise NotFound("No such post.")
    html = render_template(
        "discussions/thread.html", thread=thread, shown=shown, shown_ids=shown.on_page,
        unread_after=shown.mark, flat=flat, form=reply_form(thread),
        reply_count=held.reply_count_text(shown.outline, current_user),
        refusal=policy.reply_refusal(current_user, thread),
        view_arg="flat" if flat else None, can_reply_here=policy.can_reply(current_user, thread),
        viewer=current_user._get_current_object() if current_user.is_authenticated else None,
        place_url=lambda post_id: place_url(shown.outline, thread.id, post_id, flat),
    )
    # After rendering: the commit would expire what the template reads.
    if shown.new_mark is not None and shown.new_mark != shown.mark:
        services.mark_thread_read(current_user, thread, up_to=shown.new_mark)
    return html


def place_url(outline: paging.Outline, thread_id: int, post_id: int, flat: bool = False) -> str:
    """The page (and anchor) that shows the post, in the tree or the oldest-first view."""
    budget = current_app.config["POSTS_PER_PAGE"]
    anchor = f"post-{post_id}"
    if flat:
        page = paging.locate_flat(outline, post_id, budget)
        return url_for("discussions.show_thread", thread_id=thread_id, view="flat",
                       page=page if page > 1 else None, _anchor=anchor)
    place = paging.locate(outline, post_id, budget)
    page = place.page if place.page > 1 else None
    if place.branch is None:
        return url_for("discussions.show_thread", thread_id=thread_id, page=page, _anchor=anchor)
    return url_for("discussions.show_branch", thread_id=thread_id, post_id=place.branch,
                   page=page, _anchor=anchor)


@bp.get("/threads/<int:thread_id>/posts/<int:post_id>")
def permalink(thread_id: int, post_id: int):
    """A post's lasting address: sent on to whichever page shows it now."""
    post = load_post(post_id)
    if post.thread_id != thread_id:  # its thread was merged into another: the post went too
        return redirect(url_for("discussions.permalink", thread_id=post.thread_id,
                                post_id=post.id), 301)
    return redirect(_located(post))


def _located(post: Post) -> str:
    outline = queries.thread_outline(post.thread, current_user)
    return place_url(outline, post.thread_id, post.id, request.args.get("view") == "flat")


@bp.get("/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int):
    """Thread lists link here: the first post the member has not read, or the latest."""
    thread = load_thread(thread_id)
    outline = queries.thread_outline(thread, current_user)
    read = queries.read_mark(current_user, thread)
    mark = read.last_read_post_id if read else None
    target = paging.first_unread(outline, mark, current_user.id) or (
        outline.order[-1] if outline.order else None)
    if target is None:
        return redirect(url_for("discussions.show_thread", thread_id=thread.id))
    return redirect(place_url(outline, thread.id, target))


@bp.post("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id: int):
    thread = load_thread(thread_id)
    form = ReplyForm()
    reply_to = problem = None
    if form.reply_to.data is not None:
        reply_to = queries.get_post(form.reply_to.data) if form.reply_to.data != INVALID else None
        if reply_to is None or not policy.can_view_post(current_user, reply_to):
            reply_to, problem = None, "The post you are replying to could not be found."
    return _submit_reply(thread, form, reply_to, problem)


def reply_form(thread: Thread, parent: Post | None = None) -> ReplyForm:
    """The reply form, holding the member's draft for the thread (restored when it answers
    the same post)."""
    form = ReplyForm()
    form.draft = queries.draft_for(current_user, thread)
    if form.draft is not None and form.draft.reply_to_id == (parent.id if parent else None):
        form.body.data = form.draft.body
    return form


def _submit_reply(thread: Thread, form: ReplyForm, reply_to: Post | None,
                  problem: str | None = None):
    """Whichever button was pressed: Save or Discard draft, Preview, or Post reply."""
    if drafting.pressed():
        back = (url_for("discussions.reply_to_post", post_id=reply_to.id, _anchor="reply-form")
                if reply_to else url_for("discussions.show_thread", thread_id=thread.id,
                                         _anchor="reply-form"))
        return drafting.answer(form, thread=thread, reply_to=reply_to, back=back,
                             page=lambda **kw: _reply_page(thread, form, reply_to, **kw))
    valid = accepted(form)
    if problem:
        form.form_errors.append(problem)
        valid = False
    if not valid:
        return _reply_page(thread, form, reply_to)
    if previewing():
        return _reply_page(thread, form, reply_to, preview=preview_of(form))
    return _reply(thread, form, reply_to)


def _reply_page(thread: Thread, form: ReplyForm, parent: Post | None,
                refusal: str | None = None, status: int = 200, pid: Any = None,
                preview: Markup | None = None, draft_status: str | None = None):
    return render_template("discussions/reply.html", thread=thread, parent=parent, form=form,
                           refusal=refusal, pid=pid, preview=preview,
                           draft_status=draft_status), status


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
    flash(pending_message() if post.pending else "Your reply has been posted.",
          "success")
    return redirect(post_url(post), 303)


# --- a post -------------------------------------------------------------------------------

@bp.get("/posts/<int:post_id>")
def show_post(post_id: int):
    return redirect(_located(load_post(post_id)))


@bp.route("/posts/<int:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply_to_post(post_id: int):
    parent = load_post(post_id)
    thread = parent.thread
    if request.method == "POST":
        return _submit_reply(thread, ReplyForm(), parent)
    refusal = policy.post_reply_refusal(current_user, parent)
    return _reply_page(thread, reply_form(thread, parent), parent, refusal,
                       403 if refusal else 200)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = load_post(post_id)
    if not policy.can_edit_post(current_user, post):
        raise PermissionDenied("You can only edit your own posts.")
    form_class = EditOpeningPostForm if post.is_opening else EditPostForm
    form = form_class(data={"body": post.body_source, "title": post.thread.title})
    preview = pid = None
    if form.is_submitted() and accepted(form):
        if previewing():
            preview = preview_of(form)
        else:
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
                flash(pending_message() if post.pending
                      else "Your changes have been saved.", "success")
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
