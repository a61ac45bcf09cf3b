"""Routes for write-ups: the list, a write-up's page, starting one, editing it section by
section (a task list), publishing and its history. The driver diagram, PDSA cycles and
team have theirs in writeup_parts.py."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from forum.discussions import queries as discussions
from forum.discussions.views import SignInRequired, page_arg
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.feeds.registry import register_feed
from forum.forms import BaseForm, show_error
from forum.moderation.guard import PatientDataCheck, check_patient_data
from forum.notify import follows
from forum.qi import history, policy, queries, services
from forum.qi.feeds import qi_feed
from forum.qi.forms import AboutForm, AimForm, FilterForm, ResultsForm, aim_nudges
from forum.qi.models import SETTING_LABELS, STATUS_LABELS, WriteUp
from forum.qi.views import bp

PID_LABELS = {"title": "title", "summary": "summary", "background": "problem",
              "aim": "aim", "results": "results", "learning": "learning",
              "replicate_needs": "what you need", "replicate_time": "time it took",
              "replicate_pitfalls": "pitfalls", "text": "box", "change_idea": "change tested",
              "plan": "plan", "prediction": "prediction", "do": "do", "study": "study",
              "act_notes": "decision", "role": "role"}


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(qi_policy=policy, qi_settings=SETTING_LABELS,
                                       qi_statuses=STATUS_LABELS)
    register_feed(state.app, "qi", qi_feed)  # /feeds/qi
    state.app.jinja_env.filters["day"] = lambda d: f"{d.day} {d:%B %Y}" if d else ""


# --- helpers shared with writeup_parts.py ------------------------------------------------------

def load_writeup(writeup_id: int) -> WriteUp:
    """The write-up if this viewer may read it; a visitor is asked to sign in, anyone else
    who may not read it is told it does not exist."""
    writeup = queries.get_writeup(writeup_id)
    if writeup is None:
        raise NotFound("No such write-up.")
    if not queries.can_read(current_user, writeup):
        if not current_user.is_authenticated and writeup.is_published and not writeup.is_hidden:
            raise SignInRequired
        raise NotFound("No such write-up.")
    return writeup


def load_for_edit(writeup_id: int) -> WriteUp:
    writeup = load_writeup(writeup_id)
    if not queries.can_edit(current_user, writeup):
        raise PermissionDenied("Only the write-up's author and co-authors can change it.")
    return writeup


def guard(form: BaseForm, names: tuple[str, ...]) -> PatientDataCheck:
    return check_patient_data(**{name: form[name].data for name in names if name in form})


def finding(pid: PatientDataCheck) -> str | None:
    """What the writer confirmed was not patient data (for the moderators' trail)."""
    return pid.summary if pid.hold else None


def render_form(template: str, writeup: WriteUp | None, form: BaseForm, **context: Any) -> str:
    return render_template(template, writeup=writeup, form=form, pid_labels=PID_LABELS, **context)


def edit_url(writeup: WriteUp) -> str:
    return url_for("qi.edit_writeup", writeup_id=writeup.id)


# --- the list -----------------------------------------------------------------------------

@bp.get("/")
def index():
    alliances, professions = discussions.alliances(), discussions.professions()
    form = FilterForm(formdata=request.args)
    form.set_choices(alliances, professions, queries.SORTS)
    if request.args:
        form.validate()
    filters = queries.Filters()

    def chosen(name: str) -> str | None:
        value = form[name].data
        return value if value and not form[name].errors else None

    filters.setting, filters.status = chosen("setting"), chosen("status")
    filters.alliance = next((a for a in alliances if a.slug == chosen("alliance")), None)
    filters.profession = next((p for p in professions if p.slug == chosen("profession")), None)
    filters.has_data, filters.replicated = bool(form.has_data.data), bool(form.replicated.data)
    filters.sort = chosen("sort") or "newest"
    page = queries.writeups_page(current_user, filters, page=page_arg())
    drafts = queries.own_drafts(current_user) if current_user.is_authenticated else []
    return render_template("qi/index.html", form=form, page=page, drafts=drafts,
                           narrowed=any(chosen(n) for n in ("setting", "status", "alliance",
                                                            "profession"))
                           or filters.has_data or filters.replicated)


# --- starting one -------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_writeup():
    if not policy.can_create(current_user):
        raise PermissionDenied("Your account cannot start a write-up at the moment.")
    alliances, professions = discussions.alliances(in_use=True), discussions.professions(in_use=True)
    form = AboutForm()
    form.set_choices(alliances, professions)
    pid = None
    if request.method == "GET":
        mine = current_user.alliance_id
        form.alliance.data = mine if any(a.id == mine for a in alliances) else None
    elif form.validate() and not (pid := guard(form, ("title", "summary", "background"))).blocked:
        try:
            writeup = services.start_writeup(current_user, title=form.title.data,
                                             summary=form.summary.data or "",
                                             background=form.background.data or "",
                                             confirmed_finding=finding(pid),
                                             **_about(form, alliances, professions, start=True))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Your write-up is saved as a draft. Only your team can see it until you "
                  "publish it.", "success")
            return redirect(edit_url(writeup), 303)
    return render_form("qi/new.html", None, form, pid=pid)


def _about(form: AboutForm, alliances, professions, *, start: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {
        "setting": form.setting.data, "status": form.status.data,
        "alliance": next((a for a in alliances if a.id == form.alliance.data), None),
        "professions": [p for p in professions if p.id in (form.professions.data or [])],
        "start_date": form.start_date.data,
    }
    if not start:
        values.update(title=form.title.data, summary=form.summary.data or "",
                      background=form.background.data or "")
    return values


# --- a write-up's page --------------------------------------------------------------------

@bp.get("/<int:writeup_id>")
def show_writeup(writeup_id: int):
    writeup = load_writeup(writeup_id)
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    return render_template("qi/writeup.html", writeup=writeup, viewer=viewer,
                           can_edit=queries.can_edit(current_user, writeup),
                           **queries.page_context(viewer, writeup))


@bp.post("/<int:writeup_id>/follow")
@login_required
def follow_writeup(writeup_id: int) -> Response:
    """Follow or stop following a published write-up the member can read."""
    writeup = load_writeup(writeup_id)
    if not writeup.is_published or writeup.is_hidden:
        raise NotFound("No such write-up.")
    on = request.form.get("follow") != "0"
    follows.follow_target(current_user, policy.FOLLOW_KIND, writeup.id, on=on)
    flash("You are following this write-up." if on else
          "You have stopped following this write-up.", "success")
    return redirect(url_for("qi.show_writeup", writeup_id=writeup.id), 303)


@bp.get("/<int:writeup_id>/history")
def writeup_history(writeup_id: int):
    writeup = load_writeup(writeup_id)
    revisions = queries.revisions(writeup)
    return render_template("qi/history.html", writeup=writeup, revisions=revisions,
                           changes=history.changes(revisions), labels=services.FIELD_LABELS)


# --- editing: the task list and its sections -----------------------------------------------

def measures_url(writeup: WriteUp) -> str | None:
    """The measures part's own page, once it exists on this site."""
    for endpoint in ("qi.edit_measures", "qi.measures"):
        try:
            return url_for(endpoint, writeup_id=writeup.id)
        except BuildError:
            continue
    return None


@bp.get("/<int:writeup_id>/edit")
@login_required
def edit_writeup(writeup_id: int):
    writeup = load_for_edit(writeup_id)
    context = queries.page_context(current_user, writeup)
    return render_template("qi/overview.html", writeup=writeup, measures_url=measures_url(writeup),
                           measure_count=len(queries.measures(writeup)), **context)


SECTIONS: dict[str, tuple[type[BaseForm], tuple[str, ...], str]] = {
    "about": (AboutForm, ("title", "summary", "background"), "About the project"),
    "aim": (AimForm, ("aim",), "Aim"),
    "results": (ResultsForm, ("results", "learning", "replicate_needs", "replicate_time",
                              "replicate_pitfalls"), "Results, learning and how to replicate"),
}


@bp.route("/<int:writeup_id>/edit/<section>", methods=["GET", "POST"])
@login_required
def edit_section(writeup_id: int, section: str):
    if section not in SECTIONS:
        abort(404)
    writeup = load_for_edit(writeup_id)
    form_class, texts, heading = SECTIONS[section]
    form = form_class(obj=writeup)
    alliances = professions = None
    if section == "about":
        # What is in use, and what this write-up already has even if since retired.
        alliances = [a for a in discussions.alliances()
                     if not a.is_retired or a.id == writeup.alliance_id]
        mine = {p.id for p in writeup.professions}
        professions = [p for p in discussions.professions() if not p.is_retired or p.id in mine]
        form.set_choices(alliances, professions)  # type: ignore[attr-defined]
        if request.method == "GET":
            form.alliance.data = writeup.alliance_id  # type: ignore[attr-defined]
            form.professions.data = [p.id for p in writeup.professions]  # type: ignore[attr-defined]
    pid = None
    if request.method == "POST" and form.validate() and not (pid := guard(form, texts)).blocked:
        changes = (_about(form, alliances, professions) if section == "about"  # type: ignore[arg-type]
                   else {name: form[name].data or "" for name in texts})
        try:
            changed = services.edit_writeup(current_user, writeup, changes,
                                            confirmed_finding=finding(pid))
        except InvalidInput as error:
            show_error(form, error)
        else:
            if section == "aim" and (nudges := aim_nudges(writeup.aim)):
                flash("Saved. " + " ".join(nudges), "info")
            else:
                flash("Your changes have been saved." if changed else "Nothing had changed.",
                      "success")
            return redirect(edit_url(writeup), 303)
    nudges = aim_nudges(form.aim.data or "") if section == "aim" else []  # type: ignore[attr-defined]
    return render_form(f"qi/edit_{section}.html", writeup, form, pid=pid, heading=heading,
                       nudges=nudges)


# --- publishing ---------------------------------------------------------------------------

@bp.post("/<int:writeup_id>/publish")
@login_required
def publish(writeup_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    try:
        services.publish_writeup(current_user, writeup)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(edit_url(writeup), 303)
    flash("Your write-up is published: members can read it and discuss it.", "success")
    return redirect(url_for("qi.show_writeup", writeup_id=writeup.id), 303)


@bp.post("/<int:writeup_id>/unpublish")
@login_required
def unpublish(writeup_id: int) -> Response:
    writeup = load_for_edit(writeup_id)
    services.unpublish_writeup(current_user, writeup)
    flash("Your write-up is a draft again: only your team can see it.", "success")
    return redirect(edit_url(writeup), 303)


@bp.post("/<int:writeup_id>/public")
@login_required
def set_public(writeup_id: int) -> Response:
    writeup = load_writeup(writeup_id)
    public = request.form.get("public") == "1"
    services.make_public(current_user, writeup, public)
    flash("Anyone can now read this write-up." if public
          else "Only members can now read this write-up.", "success")
    return redirect(url_for("qi.show_writeup", writeup_id=writeup.id), 303)


from forum.qi.views import writeup_parts  # noqa: E402, F401  (its routes)
