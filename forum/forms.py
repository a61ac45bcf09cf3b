"""The base form: every text field is cleaned of null bytes and control characters."""

from __future__ import annotations

import re
import unicodedata

from flask_wtf import FlaskForm

from forum.errors import DomainError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object) -> object:
    """Strip what no person types and some databases refuse (PostgreSQL rejects NUL)."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", _CONTROL.sub("", value))


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = tuple(unbound_field.kwargs.get("filters", ()))
            options["filters"] = (clean_text, *filters)
            return unbound_field.bind(form=form, **options)


def email_address(form: FlaskForm, field) -> None:
    """Validator: a well-formed address, normalised (the domain lower-cased); deliverability
    is not looked up (no network on a request)."""
    from email_validator import EmailNotValidError, validate_email
    from wtforms.validators import ValidationError

    try:
        field.data = validate_email(field.data or "", check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com") from error


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's message beside its field, or at the top when it has no visible field."""
    field = form[error.field] if error.field and error.field in form else None
    if field is None or field.type in ("HiddenField", "CSRFTokenField"):
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]
