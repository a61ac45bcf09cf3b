"""Certificates of attendance: the member asks for one; anyone checks one by its code."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum.cpd import certificates as services
from forum.cpd import rules
from forum.cpd.forms import RevokeForm
from forum.cpd.models import Certificate
from forum.cpd.views import bp
from forum.errors import DomainError
from forum.events.policy import is_event_organiser
from forum.forms import show_error


@bp.post("/cpd/events/<int:event_id>/certificate")
@login_required
def issue(event_id: int):
    try:
        certificate = services.issue_certificate(current_user, event_id)
    except DomainError as error:
        return render_template("cpd/refused.html", message=error.message), 403
    return redirect(url_for("cpd.certificate_pdf", code=certificate.code))


@bp.get("/cpd/certificates/<code>.pdf")
@login_required
def certificate_pdf(code: str):
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    response = Response(services.certificate_pdf(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _verify_page(code: str, certificate: Certificate | None, form: RevokeForm | None, status: int = 200):
    return render_template("cpd/verify.html", code=code[:20], certificate=certificate, form=form,
                           hours_text=rules.hours_text), status


@bp.get("/certificates/<code>")
def verify(code: str):
    certificate = services.by_code(code)
    form = RevokeForm(formdata=None) if certificate and is_event_organiser(current_user) else None
    return _verify_page(code, certificate, form, 200 if certificate else 404)


@bp.post("/certificates/<code>/revoke")
@login_required
def revoke(code: str):
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    if not is_event_organiser(current_user):
        abort(403)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, certificate, reason=form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Certificate withdrawn. Its verification page now says so.")
            return redirect(url_for("cpd.verify", code=certificate.code))
    return _verify_page(code, certificate, form, 422)
