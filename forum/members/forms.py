"""Forms for member profiles, account settings and the approval list."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from forum.forms import BaseForm

NAME_HINT = "This is shown beside everything you post. You can use your full name or first name."


def optional_int(value: Any) -> int | None:
    """Coerce a submitted id; anything that is not a whole number becomes "nothing chosen"."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ChoiceField(SelectField):
    """A select of database rows by id, with a blank first option and a plain-English error."""

    def __init__(self, label: str | None = None, validators=None, *, placeholder: str,
                 message: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, validators, coerce=optional_int, **kwargs)
        self.placeholder = placeholder
        self.message = message
        self.required = required

    def set_choices(self, rows: list[tuple[int, str]]) -> None:
        self.choices = [SelectChoice(value="", label=self.placeholder),
                        *(SelectChoice(value=str(ident), label=name) for ident, name in rows)]

    def pre_validate(self, form: Any) -> None:
        known = {optional_int(choice.value) for choice in self.choices or [] if choice.value != ""}
        if self.data is None:
            if self.required:
                raise ValidationError(self.message)
        elif self.data not in known:
            raise ValidationError(self.message)


def profession_field() -> ChoiceField:
    return ChoiceField("Profession", placeholder="Select your profession",
                       message="Select your profession")


def alliance_field() -> ChoiceField:
    return ChoiceField("Cancer alliance", placeholder="Select your cancer alliance",
                       message="Select the cancer alliance you work in")


def display_name_field() -> StringField:
    return StringField("Display name", validators=[
        DataRequired("Enter a display name"),
        Length(min=2, max=80, message="Your display name must be between 2 and 80 characters"),
    ])


def organisation_field() -> StringField:
    return StringField("Organisation (optional)", validators=[
        Optional(), Length(max=160, message="Your organisation must be 160 characters or fewer"),
    ])


class AccountForm(BaseForm):
    display_name = display_name_field()
    profession = profession_field()
    alliance = alliance_field()
    organisation = organisation_field()
    bio = TextAreaField("About you (optional)", validators=[
        Optional(), Length(max=2000, message="About you must be 2,000 characters or fewer"),
    ])
    notify_replies = BooleanField("Email me when someone replies to my posts")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"),
    ])
    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Enter your new password again"),
        EqualTo("password", message="The passwords do not match"),
    ])


class RejectForm(BaseForm):
    reason = TextAreaField("Note to the applicant (optional)", validators=[
        Optional(), Length(max=1000, message="The note must be 1,000 characters or fewer"),
    ])


REMOVE_POSTS = "Also remove the text of my posts"


class DeleteAccountForm(BaseForm):
    password = PasswordField("Your password", validators=[
        DataRequired("Enter your password to confirm it is you"),
    ])
    remove_posts = BooleanField(REMOVE_POSTS)
    confirm = BooleanField("I understand that my account will be deleted and cannot be "
                           "brought back", validators=[
        DataRequired("Tick the box to confirm you want to delete your account"),
    ])


class EraseMemberForm(BaseForm):
    reason = TextAreaField("How did the member ask?", validators=[
        DataRequired("Say how the member asked (for example, their email of 3 March)"),
        Length(max=1000, message="The reason must be 1,000 characters or fewer"),
    ])
    remove_posts = BooleanField("Also remove the text of their posts (they asked for this)")
    confirm = BooleanField("I have checked that this request came from the member",
                           validators=[DataRequired("Tick the box to confirm the request is "
                                                    "the member's")])
