"""Routes for the record itself: the summary, entries, suggestions, exports."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from forum.cpd import export, queries, rules, services
from forum.cpd.forms import EntryForm, SettingsForm
from forum.cpd.models import CpdEntry, EntryStatus, Method
from forum.cpd.views import bp
from forum.errors import DomainError
from forum.forms import show_error
from forum.uploads import services as uploads

REQUEST_MAX = services.CERTIFICATE_RULES.max_bytes + 256 * 1024


def _index_page(form: SettingsForm, status: int = 200):
    record = queries.entries(current_user)
    return render_template(
        "cpd/index.html", record=record, progress=queries.progress(current_user, record),
        suggested=queries.entries(current_user, status=EntryStatus.SUGGESTED),
        qi_offers=queries.qi_suggestions(current_user), reflections=queries.reflections(current_user),
        certificates=queries.certificates(current_user), form=form, hours_text=rules.hours_text), status


@bp.get("/cpd")
@login_required
def index():
    return _index_page(SettingsForm(obj=queries.settings(current_user), formdata=None))


@bp.post("/cpd/settings")
@login_required
def save_settings():
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            services.set_revalidation_date(current_user, form.revalidation_date.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Revalidation date saved.")
            return redirect(url_for("cpd.index"))
    return _index_page(form, 422)


def _own(entry_id: int) -> CpdEntry:
    return queries.entry(current_user, entry_id) or abort(404)


def _input(form: EntryForm) -> services.EntryInput | None:
    """The form as the service's input, or None with the unreadable hours marked."""
    minutes = rules.parse_hours(form.hours.data)
    part_text = (form.participatory_hours.data or "").strip()
    participatory = rules.parse_hours(part_text) if part_text else 0
    if minutes is None:
        form.hours.errors = ["Enter hours as a number, for example 1.5"]
    if participatory is None:
        form.participatory_hours.errors = ["Enter participatory hours as a number, for example 1"]
    if minutes is None or participatory is None:
        return None
    return services.EntryInput(
        start_date=form.start_date.data, end_date=form.end_date.data, method=form.method.data,
        topic=form.topic.data or "", practice=form.practice.data or "", minutes=minutes,
        participatory_minutes=participatory, code_theme=form.code_theme.data or "",
        evidence_url=form.evidence_url.data or "")


def _read_form(obj=None) -> EntryForm | None:
    """The form, with its body read now so a too-large upload is a message, not an error page."""
    request.max_content_length = REQUEST_MAX
    try:
        form = EntryForm(obj=obj)
        form.certificate.data  # noqa: B018
    except RequestEntityTooLarge:
        return None
    return form


def _certificate(form: EntryForm):
    file = form.certificate.data
    return (file.stream, file.filename or "") if file and getattr(file, "filename", "") else None


def _entry_page(form: EntryForm, entry: CpdEntry | None, status: int = 200, qi: int | None = None):
    return render_template("cpd/entry_form.html", form=form, entry=entry, qi=qi,
                           rules=services.CERTIFICATE_RULES), status


def _too_large(entry: CpdEntry | None, qi: int | None = None):
    form = EntryForm(formdata=None, obj=entry)
    form.certificate.errors = [f"The file is larger than {services.CERTIFICATE_RULES.size_text}. "
                               f"Make it smaller and try again."]
    return _entry_page(form, entry, 413, qi)


@bp.route("/cpd/entries/new", methods=["GET", "POST"])
@login_required
def new_entry():
    qi = request.args.get("qi", type=int)
    offer = next((o for o in queries.qi_suggestions(current_user) if o.writeup_id == qi), None)
    if qi is not None and offer is None:
        abort(404)
    form = _read_form()
    if form is None:
        return _too_large(None, qi)
    if request.method == "GET" and offer is not None:
        form.method.data, form.topic.data = Method.QI.value, offer.title
        form.start_date.data, form.evidence_url.data = offer.day, f"/qi/{offer.writeup_id}"
        form.code_theme.data = "practise-effectively"
    if form.validate_on_submit() and (data := _input(form)):
        try:
            if offer is not None:
                services.record_qi_work(current_user, offer.writeup_id, data)
            else:
                services.add_entry(current_user, data, certificate=_certificate(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"“{data.topic}” added to your CPD record.")
            return redirect(url_for("cpd.index"))
    return _entry_page(form, None, 422 if form.errors else 200, qi)


@bp.route("/cpd/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(entry_id: int):
    entry = _own(entry_id)
    form = _read_form(obj=entry if request.method == "GET" else None)
    if form is None:
        return _too_large(entry)
    if request.method == "GET":
        form.hours.data = rules.hours_text(entry.minutes)
        form.participatory_hours.data = rules.hours_text(entry.participatory_minutes)
    if form.validate_on_submit() and (data := _input(form)):
        try:
            services.update_entry(current_user, entry, data, certificate=_certificate(form),
                                  remove_certificate=bool(form.remove_certificate.data))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"“{entry.topic}” saved.")
            return redirect(url_for("cpd.index"))
    return _entry_page(form, entry, 422 if form.errors else 200)


@bp.post("/cpd/entries/<int:entry_id>/delete")
@login_required
def delete_entry(entry_id: int):
    entry = _own(entry_id)
    services.delete_entry(current_user, entry)
    flash(f"“{entry.topic}” removed from your CPD record.")
    return redirect(url_for("cpd.index"))


@bp.post("/cpd/entries/<int:entry_id>/<any(accept, ignore):choice>")
@login_required
def decide_suggestion(entry_id: int, choice: str):
    entry = _own(entry_id)
    if entry.status != EntryStatus.SUGGESTED:
        abort(404)
    if choice == "accept":
        services.accept_suggestion(current_user, entry)
        flash(f"“{entry.topic}” added to your CPD record. Say how it relates to your practice.")
        return redirect(url_for("cpd.edit_entry", entry_id=entry.id))
    services.ignore_suggestion(current_user, entry)
    flash(f"“{entry.topic}” will not be suggested again.")
    return redirect(url_for("cpd.index"))


@bp.post("/cpd/qi/<int:writeup_id>/ignore")
@login_required
def ignore_qi(writeup_id: int):
    try:
        services.record_qi_work(current_user, writeup_id, None)
    except DomainError:
        abort(404)
    flash("That QI project will not be suggested again.")
    return redirect(url_for("cpd.index"))


@bp.get("/cpd/entries/<int:entry_id>/evidence")
@login_required
def evidence(entry_id: int):
    entry = _own(entry_id)
    if entry.evidence_upload is None:
        abort(404)
    return uploads.download(entry.evidence_upload)


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _private(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cpd/export.csv")
@login_required
def export_csv():
    record = queries.entries(current_user, newest_first=False)
    view = queries.hcpc_view(current_user, record)
    body = export.to_csv(record, _base_url(), view.gaps, view.profile)
    return _private(Response(body, mimetype="text/csv; charset=utf-8"), "cpd-log.csv")


@bp.get("/cpd/export.pdf")
@login_required
def export_pdf():
    record = queries.entries(current_user, newest_first=False)
    view = queries.hcpc_view(current_user, record)
    body = export.to_pdf(current_user, record, queries.reflections(current_user),
                         queries.progress(current_user, record), _base_url(), view.gaps, view.profile)
    return _private(Response(body, mimetype="application/pdf"), "cpd-record.pdf")

