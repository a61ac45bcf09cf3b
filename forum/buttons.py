"""One-button actions (approve, feature, close, accept …) and actions with a reason (decline,
hide): the POSTs a view hands to a service."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template
from werkzeug.wrappers import Response

from forum.errors import InvalidInput
from forum.forms import BaseForm, show_error


def press(action: Callable[[], object], *, done: str, back: str) -> Response:
    """Check the form's CSRF token, run the service, say what happened (or why it could not),
    and go back. Permission errors are left to the error pages (403/404)."""
    if not BaseForm().validate_on_submit():
        flash("The form had expired. Try again.", "error")
    else:
        try:
            action()
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash(done, "success")
    return redirect(back, 303)


def with_reason(form: BaseForm, action: Callable[[str], object], *, done: str, back: str,
                template: str, **context) -> Response | tuple[str, int]:
    """An action that needs a reason (declining, hiding): the form until it is valid (the
    service's refusal beside the field), then what happened, and back."""
    if form.validate_on_submit():
        try:
            action(form.reason.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(back, 303)
    return render_template(template, form=form, **context), 422 if form.errors else 200
