"""The organiser's newsletter pages: the list (import, export), composing an issue, its
preview as the email, a test to oneself, scheduling or sending, and its progress."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.admin import policy
from forum.discussions.views import page_arg
from forum.errors import InvalidInput, PermissionDenied
from forum.events import london
from forum.extensions import db
from forum.forms import show_error
from forum.moderation.guard import check_patient_data
from forum.newsletter import importing, issues, queries
from forum.newsletter.forms import ImportForm, IssueForm, ScheduleForm
from forum.newsletter.models import Issue, IssueStatus
from forum.newsletter.views import bp

# The email's own page, shown in the preview's frame: inline styles as email clients need
# them, nothing else, and only this site may frame it.
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"


def _organiser() -> None:
    if not policy.can_organise(current_user):
        raise PermissionDenied(policy.ONLY_ORGANISERS)


def _issue(issue_id: int) -> Issue:
    _organiser()
    return db.get_or_404(Issue, issue_id)


@bp.get("/manage")
@login_required
def manage():
    _organiser()
    return render_template("newsletter/manage/index.html", counts=queries.list_counts(),
                           issues=queries.issues())


@bp.get("/manage/subscribers")
@login_required
def subscribers():
    _organiser()
    q = request.args.get("q", "")[:100]
    return render_template("newsletter/manage/subscribers.html", q=q,
                           pagination=queries.subscribers_page(page_arg(), q),
                           counts=queries.list_counts())


@bp.route("/manage/import", methods=["GET", "POST"])
@login_required
def import_list():
    _organiser()
    form, result = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read().decode("utf-8-sig")
            result = importing.import_csv(current_user, data, filename=upload.filename or "")
        except UnicodeDecodeError:
            form.file.errors = ["The file must be a CSV saved as UTF-8"]
        except ValueError as error:
            form.file.errors = [str(error)]
    return render_template("newsletter/manage/import.html", form=form, result=result,
                           columns=importing.COLUMNS), 400 if form.errors else 200


@bp.get("/manage/export.csv")
@login_required
def export_list() -> Response:
    _organiser()
    return Response(importing.export_csv(current_user), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=newsletter-subscribers.csv"})


def _issue_form(issue: Issue | None) -> tuple[IssueForm, dict]:
    picked = [f"{i.kind}:{i.target_id}" for i in issue.items] if issue else []
    form = IssueForm(data={"subject": issue.subject, "intro": issue.intro_source,
                           "items": picked} if issue else None)
    found = queries.candidates(current_user)
    # Items already in the issue stay choosable when they have left the recent lists.
    listed = {c.ref for group in found.values() for c in group}
    extra = [i for i in (issue.items if issue else []) if f"{i.kind}:{i.target_id}" not in listed]
    return form, {"candidates": found, "kept": extra}


@bp.route("/manage/issues/new", methods=["GET", "POST"], endpoint="new_issue")
@bp.route("/manage/issues/<int:issue_id>", methods=["GET", "POST"])
@login_required
def edit_issue(issue_id: int | None = None):
    issue = _issue(issue_id) if issue_id else None
    _organiser()
    if issue is not None and issue.status not in issues.EDITABLE:
        return redirect(url_for("newsletter.issue_progress", issue_id=issue.id))
    form, choices = _issue_form(issue)
    pid = None
    if form.validate_on_submit():
        pid = check_patient_data(intro=form.intro.data)
        if not pid.blocked:
            try:
                issue = issues.save_issue(current_user, issue, subject=form.subject.data,
                                          intro=form.intro.data or "",
                                          refs=request.form.getlist("items"))
            except InvalidInput as error:
                show_error(form, error)
            else:
                flash("Issue saved.", "success")
                if request.form.get("then") == "preview":
                    return redirect(url_for("newsletter.preview", issue_id=issue.id), 303)
                return redirect(url_for("newsletter.edit_issue", issue_id=issue.id), 303)
    return render_template("newsletter/manage/compose.html", form=form, issue=issue, pid=pid,
                           pid_labels={"intro": "introduction"},
                           schedule=ScheduleForm(formdata=None), **choices), \
        400 if form.errors or (pid and pid.blocked) else 200


@bp.get("/manage/issues/<int:issue_id>/preview")
@login_required
def preview(issue_id: int):
    issue = _issue(issue_id)
    email = issues.preview(issue)
    return render_template("newsletter/manage/preview.html", issue=issue, email=email,
                           schedule=ScheduleForm(formdata=None), sender=issues.sender())


@bp.get("/manage/issues/<int:issue_id>/email.html")
@login_required
def email_html(issue_id: int) -> Response:
    issue = _issue(issue_id)
    email = issues.preview(issue)
    response = Response(email.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_CSP
    return response


@bp.post("/manage/issues/<int:issue_id>/test")
@login_required
def send_test(issue_id: int):
    address = issues.send_test(current_user, _issue(issue_id))
    flash(f"A test copy is on its way to {address}.", "success")
    return redirect(url_for("newsletter.preview", issue_id=issue_id), 303)


@bp.post("/manage/issues/<int:issue_id>/send")
@login_required
def send_issue(issue_id: int):
    issue = _issue(issue_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm you want to send it to everyone on the list.", "error")
        return redirect(url_for("newsletter.preview", issue_id=issue_id), 303)
    try:
        issues.send_now(current_user, issue)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("newsletter.preview", issue_id=issue_id), 303)
    flash("Sending has started.", "success")
    return redirect(url_for("newsletter.issue_progress", issue_id=issue_id), 303)


@bp.post("/manage/issues/<int:issue_id>/schedule")
@login_required
def schedule_issue(issue_id: int):
    issue = _issue(issue_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            when = london.to_utc(form.day.data, form.clock.data, field="day")
            issues.schedule(current_user, issue, when)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"It will be sent on {london.show(when)}.", "success")
            return redirect(url_for("newsletter.issue_progress", issue_id=issue_id), 303)
    email = issues.preview(issue)
    return render_template("newsletter/manage/preview.html", issue=issue, email=email,
                           schedule=form, sender=issues.sender()), 400


@bp.post("/manage/issues/<int:issue_id>/unschedule")
@login_required
def unschedule_issue(issue_id: int):
    try:
        issues.unschedule(current_user, _issue(issue_id))
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash("It will not be sent. It is a draft again.", "success")
    return redirect(url_for("newsletter.edit_issue", issue_id=issue_id), 303)


@bp.post("/manage/issues/<int:issue_id>/delete")
@login_required
def delete_issue(issue_id: int):
    try:
        issues.delete_draft(current_user, _issue(issue_id))
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("newsletter.edit_issue", issue_id=issue_id), 303)
    flash("Draft deleted.", "success")
    return redirect(url_for("newsletter.manage"), 303)


@bp.get("/manage/issues/<int:issue_id>/progress")
@login_required
def issue_progress(issue_id: int):
    issue = _issue(issue_id)
    if issue.status == IssueStatus.DRAFT:
        abort(404)
    return render_template("newsletter/manage/progress.html", issue=issue,
                           progress=queries.progress(issue), failures=queries.failures(issue),
                           unsubscribed=queries.unsubscribed_after(issue))
