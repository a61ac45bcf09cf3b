"""One-button actions (approve, feature, close, accept …): the POST a view hands to a service."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.wrappers import Response

from forum.errors import InvalidInput
from forum.forms import BaseForm


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
