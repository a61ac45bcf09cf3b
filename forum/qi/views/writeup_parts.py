"""Routes for the parts of a write-up edited as lists: the driver diagram (add, edit,
delete, move up/down, move to another driver), PDSA cycles and the team. Each change is
one POST, so everything works without JavaScript."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum.discussions.forms import INVALID
from forum.errors import InvalidInput, PermissionDenied
from forum.forms import show_error
from forum.qi import cycles as cycle_services
from forum.qi import drivers, queries, team
from forum.qi.forms import CycleForm, DriverForm, MoveForm, TeamForm, TeamMemberForm
from forum.qi.models import DriverNode, WriteUp
from forum.qi.views import bp
from forum.qi.views.writeups import PID_LABELS, finding, guard, load_for_edit, render_form

CYCLE_TEXTS = ("change_idea", "plan", "prediction", "do", "study", "act_notes")


# --- driver diagram -----------------------------------------------------------------------

def _drivers_url(writeup: WriteUp, node_id: int | None = None) -> str:
    return url_for("qi.edit_drivers", writeup_id=writeup.id,
                   _anchor=f"node-{node_id}" if node_id else None)


def _drivers_page(writeup: WriteUp, *, form: DriverForm | None = None, pid=None,
                  failed_for: str = "", status: int = 200):
    tree = queries.driver_tree(writeup)
    return render_template("qi/edit_drivers.html", writeup=writeup, tree=tree,
                           form=form or DriverForm(formdata=None), failed_for=failed_for, pid=pid,
                           pid_labels=PID_LABELS, depth_names=drivers.DEPTH_NAMES), status


def _node(writeup: WriteUp, node_id: int) -> DriverNode:
    node = queries.node_in(writeup, node_id)
    if node is None:
        abort(404)
    return node


@bp.get("/<int:writeup_id>/edit/drivers")
@login_required
def edit_drivers(writeup_id: int):
    return _drivers_page(load_for_edit(writeup_id))


@bp.post("/<int:writeup_id>/drivers")
@login_required
def add_driver(writeup_id: int):
    """A new primary driver, or (with `parent`) a box under one."""
    writeup = load_for_edit(writeup_id)
    form = DriverForm()
    parent = None
    if form.parent.data is not None:
        parent = queries.node_in(writeup, form.parent.data if form.parent.data != INVALID else None)
        if parent is None:
            form.form_errors.append("The box you are adding to could not be found.")
    where = f"add-{form.parent.data or 'root'}"
    if form.form_errors or not form.validate():
        return _drivers_page(writeup, form=form, failed_for=where)
    pid = guard(form, ("text",))
    if pid.blocked:
        return _drivers_page(writeup, form=form, pid=pid, failed_for=where)
    try:
        node = drivers.add_driver(current_user, writeup, text=form.text.data, parent=parent,
                                  confirmed_finding=finding(pid))
    except InvalidInput as error:
        show_error(form, error)
        return _drivers_page(writeup, form=form, failed_for=where)
    flash(f"Added the {drivers.DEPTH_NAMES[node.depth]}.", "success")
    return redirect(_drivers_url(writeup, node.id), 303)


@bp.post("/<int:writeup_id>/drivers/<int:node_id>")
@login_required
def edit_driver(writeup_id: int, node_id: int):
    writeup = load_for_edit(writeup_id)
    node = _node(writeup, node_id)
    form = DriverForm()
    where = f"edit-{node.id}"
    if not form.validate():
        return _drivers_page(writeup, form=form, failed_for=where)
    pid = guard(form, ("text",))
    if pid.blocked:
        return _drivers_page(writeup, form=form, pid=pid, failed_for=where)
    try:
        drivers.edit_driver(current_user, node, text=form.text.data, confirmed_finding=finding(pid))
    except InvalidInput as error:
        show_error(form, error)
        return _drivers_page(writeup, form=form, failed_for=where)
    flash("Saved.", "success")
    return redirect(_drivers_url(writeup, node.id), 303)


@bp.post("/<int:writeup_id>/drivers/<int:node_id>/move")
@login_required
def move_driver(writeup_id: int, node_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    node = _node(writeup, node_id)
    form = MoveForm()
    try:
        if form.direction.data in ("up", "down"):
            drivers.move_driver(current_user, node, form.direction.data)
        else:
            parent = queries.node_in(writeup, form.parent.data if form.parent.data != INVALID else None)
            if parent is None:
                raise InvalidInput("Choose where to move it")
            drivers.reparent_driver(current_user, node, parent)
    except InvalidInput as error:
        flash(error.message, "error")
    return redirect(_drivers_url(writeup, node.id), 303)


@bp.post("/<int:writeup_id>/drivers/<int:node_id>/delete")
@login_required
def delete_driver(writeup_id: int, node_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    node = _node(writeup, node_id)
    kind = drivers.DEPTH_NAMES[node.depth]
    drivers.delete_driver(current_user, node)
    flash(f"Deleted the {kind} and everything under it.", "success")
    return redirect(_drivers_url(writeup), 303)


# --- PDSA cycles --------------------------------------------------------------------------

def _cycle_form(writeup: WriteUp, **kwargs) -> CycleForm:
    form = CycleForm(**kwargs)
    form.set_choices(queries.driver_tree(writeup).of_depth(2), queries.measures(writeup))
    return form


def _cycle_fields(writeup: WriteUp, form: CycleForm) -> dict:
    fields = {name: form[name].data for name in (*CYCLE_TEXTS, "act", "started_on", "ended_on",
                                                  "rebase")}
    fields["change_node"] = queries.node_in(writeup, form.change_node.data)
    fields["measure"] = queries.measure_in(writeup, form.measure.data)
    return fields


@bp.route("/<int:writeup_id>/edit/cycles", methods=["GET", "POST"])
@login_required
def edit_cycles(writeup_id: int):
    """The cycles so far and a form for the next one."""
    writeup = load_for_edit(writeup_id)
    form = _cycle_form(writeup)
    pid = None
    if request.method == "POST" and form.validate() and not (pid := guard(form, CYCLE_TEXTS)).blocked:
        try:
            cycle_services.add_cycle(current_user, writeup, _cycle_fields(writeup, form),
                                     confirmed_finding=finding(pid))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("PDSA cycle added.", "success")
            return redirect(url_for("qi.edit_cycles", writeup_id=writeup.id), 303)
    return render_form("qi/edit_cycles.html", writeup, form, pid=pid,
                       cycles=queries.cycles(writeup))


@bp.route("/<int:writeup_id>/cycles/<int:cycle_id>", methods=["GET", "POST"])
@login_required
def edit_cycle(writeup_id: int, cycle_id: int):
    writeup = load_for_edit(writeup_id)
    cycle = queries.cycle_in(writeup, cycle_id)
    if cycle is None:
        abort(404)
    form = _cycle_form(writeup, obj=cycle)
    if request.method == "GET":
        form.change_node.data, form.measure.data = cycle.change_node_id, cycle.measure_id
        form.act.data = cycle.act or ""
    pid = None
    if request.method == "POST" and form.validate() and not (pid := guard(form, CYCLE_TEXTS)).blocked:
        try:
            cycle_services.edit_cycle(current_user, cycle, _cycle_fields(writeup, form),
                                      confirmed_finding=finding(pid))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("PDSA cycle saved.", "success")
            return redirect(url_for("qi.edit_cycles", writeup_id=writeup.id), 303)
    return render_form("qi/edit_cycle.html", writeup, form, pid=pid, cycle=cycle)


@bp.post("/<int:writeup_id>/cycles/<int:cycle_id>/delete")
@login_required
def delete_cycle(writeup_id: int, cycle_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    cycle = queries.cycle_in(writeup, cycle_id)
    if cycle is None:
        abort(404)
    cycle_services.delete_cycle(current_user, cycle)
    flash("PDSA cycle deleted.", "success")
    return redirect(url_for("qi.edit_cycles", writeup_id=writeup.id), 303)


# --- team ---------------------------------------------------------------------------------

@bp.route("/<int:writeup_id>/edit/team", methods=["GET", "POST"])
@login_required
def edit_team(writeup_id: int):
    writeup = load_for_edit(writeup_id)
    form = TeamForm()
    pid = None
    if request.method == "POST" and form.validate() and not (pid := guard(form, ("role",))).blocked:
        try:
            member = team.add_team_member(current_user, writeup, name=form.name.data,
                                          role=form.role.data or "",
                                          is_coauthor=bool(form.is_coauthor.data))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"Added {member.user.display_name} to the team.", "success")
            return redirect(url_for("qi.edit_team", writeup_id=writeup.id), 303)
    return render_form("qi/edit_team.html", writeup, form, pid=pid,
                       team=queries.get_writeup(writeup.id).team)  # type: ignore[union-attr]


@bp.post("/<int:writeup_id>/team/<int:member_id>")
@login_required
def update_team_member(writeup_id: int, member_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    member = queries.team_member_in(writeup, member_id)
    if member is None:
        abort(404)
    form = TeamMemberForm()
    try:
        if request.form.get("remove"):
            name = member.user.display_name
            team.remove_team_member(current_user, member)
            flash(f"Removed {name} from the team.", "success")
        elif form.validate():
            team.update_team_member(current_user, member, role=form.role.data or "",
                                    is_coauthor=bool(form.is_coauthor.data))
            flash("Saved.", "success")
        else:
            flash(next(iter(form.errors.values()))[0], "error")
    except (InvalidInput, PermissionDenied) as error:
        flash(error.message, "error")
    return redirect(url_for("qi.edit_team", writeup_id=writeup.id), 303)
