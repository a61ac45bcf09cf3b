"""The resource library's pages: the list, a resource, its file, adding or suggesting one,
and the curators' actions (edit, approve or decline a suggestion, feature, retire)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from forum.buttons import press, with_reason
from forum.errors import DomainError, NotFound
from forum.forms import BaseForm, show_error
from forum.resources import policy, queries, services
from forum.resources.forms import DeclineForm, FilterForm, ResourceForm
from forum.resources.models import KIND_LABELS, Resource, ResourceKind
from forum.uploads import services as uploads

bp = Blueprint("resources", __name__)
# The form's other fields and the multipart framing, on top of the largest file.
REQUEST_MAX = services.RULES.max_bytes + 256 * 1024


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(resource_policy=policy, resource_kinds=KIND_LABELS,
                                       resources_from_event=_from_event)


def _from_event(event_id: int) -> list[Resource]:
    """For the event's page: the readable resources that came from it (one query)."""
    return queries.event_resources(current_user, event_id)


def load_resource(resource_id: int) -> Resource:
    resource = queries.get_resource(resource_id)
    if resource is None:
        raise NotFound("No such resource.")
    return resource


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 1000)


@bp.get("/resources")
def index():
    boards, alliances, professions = queries.choices()
    events = queries.source_events()
    form = FilterForm(formdata=request.args)
    form.set_choices(boards, alliances, professions, events)
    resources, more = queries.listing(current_user, page=_page(), **form.clean())
    return render_template("resources/index.html", resources=resources, more=more, form=form,
                           page=_page(), waiting=queries.suggestion_count()
                           if policy.is_curator(current_user) else 0)


@bp.get("/resources/<int:resource_id>")
def show_resource(resource_id: int):
    resource = load_resource(resource_id)
    if not current_user.is_authenticated and not policy.can_view(None, resource):
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require_view(current_user, resource)
    return render_template("resources/resource.html", resource=resource, form=BaseForm())


@bp.get("/resources/<int:resource_id>/file/<path:name>")
def download(resource_id: int, name: str):
    resource = load_resource(resource_id)
    if not current_user.is_authenticated and not policy.can_view(None, resource):
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require_view(current_user, resource)
    if resource.upload is None:
        raise NotFound("No such file.")
    if name != resource.upload.download_name:
        return redirect(url_for("resources.download", resource_id=resource.id,
                                name=resource.upload.download_name))
    return uploads.download(resource.upload)


def _choose(form: ResourceForm) -> None:
    boards, alliances, professions = queries.choices()
    form.set_choices(boards, alliances, professions, queries.source_events())


def _input(form: ResourceForm) -> services.ResourceInput:
    """The form's values, with the chosen ids turned into the rows they name."""
    boards, alliances, professions = queries.choices()
    by_id = {("b", b.id): b for b in boards} | {("a", a.id): a for a in alliances}
    events = {e.id: e for e in queries.source_events()}
    chosen = set(form.professions.data or [])
    return services.ResourceInput(
        title=form.title.data or "", kind=ResourceKind(form.kind.data),
        description=form.description.data or "", url=form.url.data or "",
        minutes=form.minutes.data, body_source=form.body_source.data or "",
        board=by_id.get(("b", form.board.data)), alliance=by_id.get(("a", form.alliance.data)),
        event=events.get(form.event.data), professions=[p for p in professions if p.id in chosen],
        is_public=bool(form.is_public.data))


def _read_form(resource: Resource | None = None) -> tuple[ResourceForm, bool]:
    """The form, read under this page's larger size limit; False when the file was too big."""
    request.max_content_length = REQUEST_MAX  # this page only; the site's limit is lower
    try:
        form = ResourceForm(obj=resource) if resource else ResourceForm()
        form.file.data  # noqa: B018  (reads the body now, so a too-large one is caught here)
    except RequestEntityTooLarge:
        form = ResourceForm(formdata=None, obj=resource)
        form.file.errors = [f"The file is larger than {services.RULES.size_text}. Make it "
                            f"smaller and try again."]
        return form, False
    return form, True


def _form_page(form: ResourceForm, resource: Resource | None, status: int = 200):
    _choose(form)
    return render_template("resources/form.html", form=form, resource=resource,
                           rules=services.RULES), status


def _save(form: ResourceForm, resource: Resource | None) -> Resource:
    file = form.file.data
    stream = file.stream if file and getattr(file, "filename", "") else None
    filename = (file.filename or "") if stream is not None else ""
    if resource is None:
        return services.add_resource(current_user, _input(form), stream=stream, filename=filename)
    return services.edit_resource(current_user, resource, _input(form), stream=stream,
                                  filename=filename)


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def new_resource():
    policy.require_suggest(current_user)
    form, readable = _read_form()
    if not readable:
        return _form_page(form, None, 413)
    _choose(form)
    if request.method == "POST" and form.validate_on_submit():
        try:
            resource = _save(form, None)
        except DomainError as error:
            show_error(form, error)
            return _form_page(form, None, 422)
        if resource.is_published:
            flash("Resource added to the library.", "success")
        else:
            flash("Thank you. Your suggestion will be checked by an organiser before it "
                  "appears in the library.", "success")
        return redirect(url_for("resources.show_resource", resource_id=resource.id), 303)
    return _form_page(form, None, 422 if form.errors else 200)


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resource(resource_id: int):
    resource = load_resource(resource_id)
    policy.require_curator(current_user)
    form, readable = _read_form(resource)
    if not readable:
        return _form_page(form, resource, 413)
    if request.method == "GET":
        form.kind.data = resource.kind.value
        form.board.data, form.alliance.data = resource.board_id, resource.alliance_id
        form.event.data = resource.event_id
        form.professions.data = [p.id for p in resource.professions]
    _choose(form)
    if request.method == "POST" and form.validate_on_submit():
        try:
            _save(form, resource)
        except DomainError as error:
            show_error(form, error)
            return _form_page(form, resource, 422)
        flash("Changes saved.", "success")
        return redirect(url_for("resources.show_resource", resource_id=resource.id), 303)
    return _form_page(form, resource, 422 if form.errors else 200)


def _act(resource_id: int, action, done: str):
    """A curator's one-button action on a resource, then back to it."""
    resource = load_resource(resource_id)
    policy.require_curator(current_user)
    return press(lambda: action(resource), done=done,
                 back=url_for("resources.show_resource", resource_id=resource.id))


@bp.post("/resources/<int:resource_id>/approve")
@login_required
def approve(resource_id: int):
    return _act(resource_id, lambda r: services.approve_suggestion(current_user, r),
                "Suggestion approved: it is in the library now.")


@bp.post("/resources/<int:resource_id>/feature")
@login_required
def feature(resource_id: int):
    featured = request.form.get("featured") == "1"
    return _act(resource_id, lambda r: services.feature_resource(current_user, r, featured=featured),
                "Featured: it is shown first in the library." if featured else "No longer featured.")


@bp.post("/resources/<int:resource_id>/retire")
@login_required
def retire(resource_id: int):
    return _act(resource_id, lambda r: services.retire_resource(current_user, r),
                "Retired: it is no longer in the library or in search.")


@bp.post("/resources/<int:resource_id>/restore")
@login_required
def restore(resource_id: int):
    return _act(resource_id, lambda r: services.restore_resource(current_user, r),
                "Put back in the library.")


@bp.route("/resources/<int:resource_id>/decline", methods=["GET", "POST"])
@login_required
def decline(resource_id: int):
    resource = load_resource(resource_id)
    policy.require_curator(current_user)
    return with_reason(
        DeclineForm(), lambda reason: services.decline_suggestion(current_user, resource, reason=reason),
        done="Suggestion declined. We have told the member why.",
        back=url_for("resources.suggestions"), template="resources/decline.html", resource=resource)


@bp.get("/resources/suggestions")
@login_required
def suggestions():
    policy.require_curator(current_user)
    return render_template("resources/suggestions.html", suggested=queries.suggestions(),
                           retired=queries.retired(), form=BaseForm())


@bp.get("/resources/mine")
@login_required
def mine():
    return render_template("resources/mine.html", resources=queries.mine(current_user.id))
