"""The organisers' pages at /admin. Every page needs an active admin (checked before each
request here, and again in every service); every change is a POST with CSRF."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from forum.admin import policy, queries, services
from forum.admin.forms import FORMS, ROLE_LABELS, MemberSearchForm, PageForm, RoleForm
from forum.admin.kinds import KINDS, Kind, Reference
from forum.discussions.views import page_arg
from forum.errors import InvalidInput, NotFound
from forum.forms import BaseForm, show_error
from forum.members.models import Role, User
from forum.pages import queries as pages
from forum.pages import services as page_services
from forum.pages.models import Page

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLE_NAMES = {Role.MEMBER: "a member", Role.MODERATOR: "a moderator",
              Role.ADMIN: "an organiser (admin)"}
KIND = "<any(boards, alliances, professions):kind>"


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(organiser=policy, admin_kinds=KINDS)


@bp.before_request
def _organisers_only() -> Response | None:
    """Visitors are asked to sign in; members and moderators are refused (403)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require_organiser(current_user)
    return None


def _kind(kind: str) -> Kind:
    return KINDS[kind]


def _row(kind: str, ident: int) -> Reference:
    row = queries.get_reference(_kind(kind), ident)
    if row is None:
        raise NotFound("No such item.")
    return row


def _list_url(kind: str, row: Reference | None = None) -> str:
    return url_for("admin.list_items", kind=kind, _anchor=f"item-{row.id}" if row else None)


def _one_click(apply, *, success: str, done: str) -> Response:
    """A button with nothing to fill in: do it, or say why not, and go back to the list."""
    try:
        apply()
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(success, "success")
    return redirect(done, 303)


@bp.get("/")
def index():
    return render_template("admin/index.html", kinds=KINDS)


# --- boards, alliances, professions -------------------------------------------------------

@bp.get(f"/{KIND}")
def list_items(kind: str):
    return render_template("admin/list.html", kind=_kind(kind), kind_key=kind,
                           rows=queries.reference_rows(_kind(kind)))


def _edit_values(kind: str, form: BaseForm) -> dict[str, Any]:
    values: dict[str, Any] = {"name": form.name.data}
    if "description" in form:
        values["description"] = form.description.data
    if "group" in form:
        values["group"] = form.group.data
    if "audience" in form:
        values["members_only"] = form.audience.data != "public"
    return values


def _item_form(kind: str, row: Reference | None) -> Response | str:
    form = FORMS[kind](obj=row if request.method == "GET" else None)
    if row is not None and request.method == "GET" and "audience" in form:
        form.audience.data = "members" if row.members_only else "public"
    if form.validate_on_submit():
        try:
            if row is None:
                saved = services.add_reference(current_user, _kind(kind), **_edit_values(kind, form))
            else:
                saved = services.edit_reference(current_user, row, **_edit_values(kind, form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"{saved.name} is saved.", "success")
            return redirect(_list_url(kind, saved), 303)
    return render_template("admin/edit.html", form=form, kind=_kind(kind), kind_key=kind, row=row)


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
def add_item(kind: str):
    return _item_form(kind, None)


@bp.route(f"/{KIND}/<int:ident>/edit", methods=["GET", "POST"])
def edit_item(kind: str, ident: int):
    return _item_form(kind, _row(kind, ident))


@bp.post(f"/{KIND}/<int:ident>/move")
def move_item(kind: str, ident: int):
    row = _row(kind, ident)
    direction = request.form.get("direction", "")
    return _one_click(lambda: services.move_reference(current_user, row, direction=direction),  # type: ignore[arg-type]
                      success=f"{row.name} moved {direction}.", done=_list_url(kind, row))


@bp.post(f"/{KIND}/<int:ident>/retire")
def retire_item(kind: str, ident: int):
    row = _row(kind, ident)
    return _one_click(
        lambda: services.retire_reference(current_user, row),
        success=f"{row.name} is retired. Its discussions can still be read; it is no longer "
                f"offered for new ones.",
        done=_list_url(kind, row))


@bp.post(f"/{KIND}/<int:ident>/restore")
def restore_item(kind: str, ident: int):
    row = _row(kind, ident)
    return _one_click(lambda: services.restore_reference(current_user, row),
                      success=f"{row.name} is back in use.", done=_list_url(kind, row))


# --- members and roles --------------------------------------------------------------------

@bp.get("/members")
def members():
    form = MemberSearchForm(formdata=request.args)
    q = form.q.data if form.validate() else ""
    return render_template("admin/members.html", form=form, q=q or "",
                           page=queries.members_page(q=q or "", page=page_arg()),
                           role_labels=ROLE_LABELS)


def _member(user_id: int) -> User:
    member = queries.get_member(user_id)
    if member is None:
        raise NotFound("No such member.")
    return member


@bp.get("/members/<int:user_id>")
def member(user_id: int):
    member = _member(user_id)
    form = RoleForm(formdata=None, data={"role": member.role.value})
    return _member_page(member, form)


def _member_page(member: User, form: RoleForm) -> str:
    return render_template("admin/member.html", member=member, form=form,
                           admins=queries.active_admin_count())


@bp.post("/members/<int:user_id>/role")
def change_role(user_id: int):
    member = _member(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(current_user, member, role=Role(form.role.data),
                                 reason=form.reason.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"{member.display_name} is now {ROLE_NAMES[member.role]}.", "success")
            if not policy.can_organise(current_user):  # they stepped down themselves
                return redirect(url_for("community.home"), 303)
            return redirect(url_for("admin.member", user_id=member.id), 303)
    return _member_page(member, form)


# --- the site's own pages -----------------------------------------------------------------

@bp.get("/pages")
def list_pages():
    return render_template("admin/pages.html", pages=pages.all_pages())


def _page(slug: str) -> Page:
    page = pages.page_by_slug(slug)
    if page is None:
        raise NotFound("No such page.")
    return page


@bp.route("/pages/<slug>/edit", methods=["GET", "POST"])
def edit_page(slug: str):
    page = _page(slug)
    form = PageForm(obj=page if request.method == "GET" else None,
                    data={"body": page.body_source} if request.method == "GET" else None)
    preview = None
    if "preview" in request.form:
        form.validate_on_submit()
        preview = Markup(page_services.render_page(  # noqa: S704  (render output is clean)
            (form.body.data or "")[: page_services.BODY_MAX]))
    elif form.validate_on_submit():
        try:
            page_services.edit_page(current_user, page, title=form.title.data,
                                    body=form.body.data, reason=form.reason.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"{page.title} is saved.", "success")
            return redirect(url_for("pages.show_page", slug=page.slug), 303)
    return render_template("admin/edit_page.html", page=page, form=form, preview=preview)


@bp.get("/pages/<slug>/history")
def page_history(slug: str):
    page = _page(slug)
    return render_template("admin/page_history.html", page=page, revisions=pages.revisions(page))


# --- the organisers' log ------------------------------------------------------------------

@bp.get("/log")
def log():
    page = queries.organiser_log(page=page_arg())
    return render_template("admin/log.html", page=page, targets=queries.log_targets(page.items),
                           kinds={k.noun: key for key, k in KINDS.items()})


from forum.admin import member_data  # noqa: E402, F401  (its routes join this blueprint)
