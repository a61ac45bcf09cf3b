"""Organisers' forms (shape only: the services check names, the last admin and the rest)."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forum.admin.services import DESCRIPTION_MAX, GROUP_MAX, NAME_MAX
from forum.forms import BaseForm
from forum.members.models import Role
from forum.pages.services import BODY_MAX, TITLE_MAX

ROLE_LABELS = {
    Role.MEMBER.value: "Member",
    Role.MODERATOR.value: "Moderator: looks after discussions and members",
    Role.ADMIN.value: "Organiser (admin): also manages boards, alliances, professions, pages "
                      "and roles",
}


class Choice(RadioField):
    """Radios whose one message, for nothing chosen or a value not offered, is plain English."""

    def __init__(self, label: str, choices: dict[str, str], message: str, **kwargs: Any) -> None:
        super().__init__(label, choices=choices, validators=[InputRequired(message)], **kwargs)
        self.message = message

    def pre_validate(self, form: Any) -> None:
        if self.data not in dict(self.choices):  # type: ignore[arg-type]
            raise ValidationError(self.message)


def _name() -> StringField:
    return StringField("Name", validators=[
        DataRequired("Enter a name"),
        Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer"),
    ])


def _optional(label: str, limit: int) -> TextAreaField:
    return TextAreaField(label, validators=[
        Optional(), Length(max=limit, message=f"{label.split(' (')[0]} must be {limit:,} "
                                               f"characters or fewer")])


class AllianceForm(BaseForm):
    name = _name()
    description = _optional("Description (optional)", DESCRIPTION_MAX)


class BoardForm(AllianceForm):
    audience = Choice("Who can read it?", {
        "members": "Members only: visitors are asked to sign in",
        "public": "Everyone, including visitors who have not signed in",
    }, "Choose who can read the board", default="members")


class ProfessionForm(BaseForm):
    name = _name()
    group = StringField("Group (optional)", validators=[
        Optional(), Length(max=GROUP_MAX, message=f"Group must be {GROUP_MAX} characters or fewer"),
    ])


FORMS = {"boards": BoardForm, "alliances": AllianceForm, "professions": ProfessionForm}


class RoleForm(BaseForm):
    role = Choice("Role", dict(ROLE_LABELS), "Choose a role from the list")
    reason = _optional("Reason (optional)", DESCRIPTION_MAX)


class PageForm(BaseForm):
    title = StringField("Title", validators=[
        DataRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
    ])
    body = TextAreaField("Text (Markdown)", validators=[
        DataRequired("Enter the page's text"),
        Length(max=BODY_MAX, message=f"The text must be {BODY_MAX:,} characters or fewer"),
    ])
    reason = _optional("What changed (optional)", DESCRIPTION_MAX)


class MemberSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Name or email address", validators=[
        Optional(), Length(max=100, message="Enter 100 characters or fewer")])
