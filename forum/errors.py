"""Domain errors raised by services, and the pages people see when something goes wrong."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base for errors a service raises for the view to show in plain English."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidInput(DomainError):
    pass


MESSAGES = {
    400: ("Something was wrong with that request", "Go back, check what you entered and try again."),
    403: ("You cannot do that", "Your account does not have permission for this page or action."),
    404: ("Page not found", "If you typed the web address, check it is correct. "
          "The page may have been moved or removed."),
    405: ("That did not work", "This page cannot be used that way. Go back and use the buttons on the page."),
    413: ("That was too large", "What you sent is larger than we accept. Make it shorter and try again."),
    429: ("Too many attempts", "Please wait a few minutes before you try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. What you entered has not "
          "been lost if you go back in your browser."),
}


def _render(code: int, detail: str | None = None):
    title, body = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           body=detail or body), code


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "This form had expired or was sent from another site. "
                            "Go back, reload the page and try again: your text is still in the form.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        return _render(code)

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        return _render(403, error.message)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return _render(404)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        return _render(500)
