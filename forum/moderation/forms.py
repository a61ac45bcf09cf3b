"""Moderation forms (shape only: the services check the rest)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum.discussions.forms import MultiCheckboxField, OneOf, ScopeChoices, as_id
from forum.discussions.services import TITLE_MAX
from forum.forms import BaseForm
from forum.moderation.models import REPORT_REASONS
from forum.moderation.policy import SLOW_MODE_MAX_MINUTES
from forum.moderation.services.common import REASON_MAX
from forum.urls import MAX_ID


def _reason(required: bool, label: str = "Reason") -> TextAreaField:
    validators = [Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX:,} characters or fewer")]
    if required:
        validators.insert(0, DataRequired("Enter a reason"))
    else:
        label += " (optional)"
    return TextAreaField(label, validators=validators)


class ReasonForm(BaseForm):
    reason = _reason(True)


class OptionalReasonForm(BaseForm):
    reason = _reason(False)


class SlowModeForm(BaseForm):
    minutes = IntegerField("Minutes between each member's posts (0 turns slow mode off)",
                           validators=[InputRequired("Enter a number of minutes"),
                                       NumberRange(0, SLOW_MODE_MAX_MINUTES,
                                                   f"Enter a number from 0 to {SLOW_MODE_MAX_MINUTES}")])
    reason = _reason(False)


class TitleForm(BaseForm):
    title = StringField("Title", validators=[
        DataRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
    ])
    reason = _reason(False)


class MoveForm(ScopeChoices, BaseForm):
    board = SelectField("Board", coerce=as_id, validate_choice=False,
                        validators=[InputRequired("Choose a board"),
                                    OneOf("Choose a board from the list")])
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    professions = MultiCheckboxField("Professions", coerce=as_id, validate_choice=False,
                                     validators=[OneOf("Choose professions from the list")])
    reason = _reason(False)



class MergeForm(BaseForm):
    target = StringField("Number or web address of the discussion to merge into",
                         validators=[DataRequired("Enter the discussion to merge into"),
                                     Length(max=300)])
    reason = _reason(False)

    def target_id(self) -> int | None:
        """'123', '#123' or a thread's web address ('.../threads/123#post-4')."""
        import re

        text = (self.target.data or "").strip()
        match = re.search(r"/threads/(\d{1,18})", text) or re.fullmatch(r"#?(\d{1,18})", text)
        return int(match.group(1)) if match else None


class SplitForm(BaseForm):
    posts = MultiCheckboxField("Replies to move", coerce=as_id, validate_choice=False,
                               validators=[DataRequired("Choose at least one reply to move"),
                                           OneOf("Choose replies from the list")])
    title = StringField("Title of the new discussion", validators=[
        DataRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
    ])
    reason = _reason(False)


class DeleteForm(BaseForm):
    confirm = BooleanField("I understand this cannot be undone",
                           validators=[DataRequired("Tick the box to confirm you want to delete "
                                                    "this permanently")])
    reason = _reason(True)


class ReportForm(BaseForm):
    reason = RadioField("Why are you reporting this post?",
                        choices=dict(REPORT_REASONS),
                        validators=[InputRequired("Choose why you are reporting this post")])
    detail = TextAreaField("Tell the moderators more (optional, required for “Something else”)",
                           validators=[Length(max=2000, message="Use 2,000 characters or fewer")])


class WarnForm(BaseForm):
    reason = _reason(True)


class SuspendForm(BaseForm):
    until = DateField("Suspended until", validators=[InputRequired("Enter the date the suspension ends")],
                      format="%Y-%m-%d")
    reason = _reason(True)


class StaffNoteForm(BaseForm):
    body = TextAreaField("Note for moderators", validators=[
        DataRequired("Enter a note"), Length(max=5000, message="Use 5,000 characters or fewer"),
    ])


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField("Action", validate_choice=False, validators=[Optional()])
    actor = SelectField("Done by", validate_choice=False, validators=[Optional()])
    target_type = SelectField("On", validate_choice=False, validators=[Optional()],
                              choices={"": "Anything", "thread": "Discussions",
                                       "post": "Posts", "qi_writeup": "QI write-ups",
                                       "user": "Members", "board": "Boards",
                                       "alliance": "Alliances", "profession": "Professions",
                                       "page": "Site pages"})
    target_id = IntegerField("Number", validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message="Enter the number of a discussion, "
                                                          "post or member")])
