"""Routes for QI attachments: the team adds and removes files; whoever may read the write-up
downloads them; anyone else gets a 404, so a draft's files do not betray the draft."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from forum.errors import DomainError
from forum.extensions import db
from forum.forms import show_error
from forum.moderation import guard
from forum.qi import attachments as services
from forum.qi import measure_queries as queries
from forum.qi.attachment_forms import AttachmentForm
from forum.qi.models import Attachment, WriteUp
from forum.qi.policy import can_read
from forum.qi.views import bp
from forum.uploads import services as uploads

# The form's other fields and the multipart framing, on top of the largest file.
REQUEST_MAX = services.RULES.max_bytes + 256 * 1024


def _readable(writeup: WriteUp) -> tuple[set[int], set[int]]:
    team, coauthors = queries.team_ids(writeup)
    if not can_read(current_user, writeup, team):
        abort(404)
    return team, coauthors


def _attachment(attachment_id: int) -> Attachment:
    if not 0 < attachment_id <= queries.MAX_ID:
        abort(404)
    return db.session.scalar(select(Attachment).where(Attachment.id == attachment_id).options(
        joinedload(Attachment.upload), joinedload(Attachment.writeup))) or abort(404)


def _page(writeup: WriteUp, form: AttachmentForm, pid=None, status: int = 200):
    return render_template("qi/attachment_form.html", writeup=writeup, form=form, pid=pid,
                           rules=services.RULES, pid_labels={"caption": "caption"}), status


@bp.route("/<int:writeup_id>/attachments/new", methods=["GET", "POST"])
@login_required
def add_attachment(writeup_id: int):
    writeup = queries.get_writeup(writeup_id) or abort(404)
    team, coauthors = _readable(writeup)
    if not services.can_attach(current_user, writeup, team, coauthors):
        abort(403)
    request.max_content_length = REQUEST_MAX  # this page only; the site's limit is lower
    try:
        form = AttachmentForm()
        form.file.data  # noqa: B018  (reads the body now, so a too-large one is caught here)
    except RequestEntityTooLarge:
        form = AttachmentForm(formdata=None)
        form.file.errors = [f"The file is larger than {services.RULES.size_text}. Make it "
                            f"smaller and try again."]
        return _page(writeup, form, status=413)
    pid = None
    if form.validate_on_submit():
        pid = guard.check_patient_data(caption=form.caption.data)
        if not pid.blocked:
            file = form.file.data
            try:
                services.add_attachment(current_user, writeup, stream=file.stream,
                                        filename=file.filename or "", caption=form.caption.data or "",
                                        confirmed_finding=pid.summary if pid.hold else None)
            except DomainError as error:
                show_error(form, error)
                return _page(writeup, form, pid, 422)
            flash(f"“{file.filename}” added.")
            return redirect(_back(writeup))
    return _page(writeup, form, pid, 422 if form.errors else 200)


def _back(writeup: WriteUp) -> str:
    return url_for("qi.measures", writeup_id=writeup.id, _anchor="attachments")


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def remove_attachment(attachment_id: int):
    attachment = _attachment(attachment_id)
    team, coauthors = _readable(attachment.writeup)
    if not services.can_remove(current_user, attachment, team, coauthors):
        abort(403)
    writeup = attachment.writeup
    services.remove_attachment(current_user, attachment)
    flash(f"“{attachment.upload.download_name}” removed.")
    return redirect(_back(writeup))


@bp.get("/attachments/<int:attachment_id>/<path:name>")
def download_attachment(attachment_id: int, name: str):
    attachment = _attachment(attachment_id)
    _readable(attachment.writeup)
    if name != attachment.upload.download_name:
        return redirect(url_for("qi.download_attachment", attachment_id=attachment.id,
                                name=attachment.upload.download_name))
    return uploads.download(attachment.upload)
