"""Forms for joining, signing in and resetting a password. They check shape; services check rules."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from forum.auth.services import GUIDELINES_REQUIRED
from forum.forms import BaseForm
from forum.members.forms import (
    alliance_field,
    display_name_field,
    organisation_field,
    profession_field,
)
from forum.newsletter import consent

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def email_field(check_format: bool = True) -> StringField:
    validators = [DataRequired("Enter your email address"),
                  Length(max=254, message="Your email address must be 254 characters or fewer")]
    if check_format:
        validators.append(Email(message=EMAIL_FORMAT))
    return StringField("Email address", validators=validators,
                       render_kw={"autocomplete": "email", "spellcheck": "false"})


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField("Password", validators=[DataRequired("Enter a password")],
                      render_kw={"autocomplete": "new-password"}),
        PasswordField("Confirm password", validators=[
            DataRequired("Enter your password again"),
            EqualTo("password", message="The passwords do not match"),
        ], render_kw={"autocomplete": "new-password"}),
    )


class RegisterForm(BaseForm):
    email = email_field()
    display_name = display_name_field()
    password, confirm = new_password_fields()
    profession = profession_field()
    alliance = alliance_field()
    organisation = organisation_field()
    # The consent wording is shown beside the box (its hint); the version says which it was.
    newsletter = BooleanField("I agree: send me the newsletter")
    newsletter_version = HiddenField(default=consent.CURRENT)
    accept_guidelines = BooleanField(
        "I have read the community guidelines and will follow them: I will never post anything "
        "that could identify a patient", validators=[DataRequired(GUIDELINES_REQUIRED)])


class LoginForm(BaseForm):
    email = email_field(check_format=False)
    password = PasswordField("Password", validators=[DataRequired("Enter your password")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Remember me on this device")
    next = HiddenField()


class EmailForm(BaseForm):
    """Forgotten password and "send me a new link": just an address."""

    email = email_field()


class ResetPasswordForm(BaseForm):
    password, confirm = new_password_fields()


class ConfirmForm(BaseForm):
    """A button that turns a link from an email into a POST (link scanners only GET)."""
