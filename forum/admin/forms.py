"""Organisers' forms (shape only: the services check names, the last admin and the rest)."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

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
    audience = RadioField("Who can read it?", choices={
        "members": "Members only: visitors are asked to sign in",
        "public": "Everyone, including visitors who have not signed in",
    }, default="members", validators=[InputRequired("Choose who can read the board")])


class ProfessionForm(BaseForm):
    name = _name()
    group = StringField("Group (optional)", validators=[
        Optional(), Length(max=GROUP_MAX, message=f"Group must be {GROUP_MAX} characters or fewer"),
    ])


FORMS = {"boards": BoardForm, "alliances": AllianceForm, "professions": ProfessionForm}


class RoleForm(BaseForm):
    role = RadioField("Role", choices=dict(ROLE_LABELS),
                      validators=[InputRequired("Choose a role")])
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
