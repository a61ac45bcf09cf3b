"""Forms for starting, replying to, editing and narrowing discussions (shape only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum.community.models import Alliance, Board, Profession
from forum.discussions.services import BODY_MAX, TITLE_MAX
from forum.forms import BaseForm
from forum.markup import problem

INVALID = -1  # what an id that is not a whole number becomes: never a valid choice


def as_id(value: Any) -> int | None:
    """A submitted id: "" means none; anything but ASCII digits is INVALID, never an error."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return INVALID
    return int(text)


class OneOf:
    """The value (or every value of a multiple choice) must be among the field's choices."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Any) -> None:
        if not field.raw_data:
            return  # not sent: the field's default stands (a required field says so itself)
        coerce = getattr(field, "coerce", str)
        allowed = {coerce(value) for value, _ in field.choices}
        values = (field.data or []) if isinstance(field, SelectMultipleField) else [field.data]
        if any(v not in allowed for v in values):
            raise ValidationError(self.message)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def renderable(form: BaseForm, field: Any) -> None:
    """Within what rendering may cost (forum.markup's limits), for Preview as for posting."""
    if field.data and len(field.data) <= BODY_MAX and (message := problem(field.data)):
        raise ValidationError(message)


def _body_field(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[
        DataRequired("Enter your message"),
        Length(max=BODY_MAX, message=f"Message must be {BODY_MAX:,} characters or fewer"),
        renderable,
    ])


class ScopeChoices:
    """Board, alliance and profession choices, for every form that places a thread."""

    def set_choices(self, boards: Iterable[Board], alliances: Iterable[Alliance],
                    professions: Iterable[Profession]) -> None:
        from forum.discussions.queries import PAN_LONDON_NAME, is_pan_london

        self.board.choices = [("", "Choose a board")] + [(b.id, b.name) for b in boards]
        self.alliance.choices = [("", PAN_LONDON_NAME)] + [
            (a.id, a.name) for a in alliances if not is_pan_london(a)
        ]
        self.professions.choices = [(p.id, p.name) for p in professions]


class ThreadForm(ScopeChoices, BaseForm):
    title = StringField("Title", validators=[
        DataRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
    ])
    board = SelectField("Board", coerce=as_id, validate_choice=False,
                        validators=[InputRequired("Choose a board"),
                                    OneOf("Choose a board from the list")])
    alliance = SelectField("Which alliance is this for?", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    professions = MultiCheckboxField("Which professions is this for? (optional)", coerce=as_id,
                                     validate_choice=False,
                                     validators=[OneOf("Choose professions from the list")])
    body = _body_field("Your message")
    draft = None  # the member's saved draft (a forum.discussions.models.Draft), if any


class EditPostForm(BaseForm):
    body = _body_field("Your message")


class EditOpeningPostForm(EditPostForm):
    """The opening post carries the thread's title."""

    title = StringField("Title", validators=[
        DataRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
    ])


class ReplyForm(BaseForm):
    reply_to = HiddenField(filters=[as_id])
    body = _body_field("Your reply")
    draft = None  # the member's saved draft for the thread, if any


class FilterForm(BaseForm):
    """The GET form that narrows a list of threads; values are slugs, so links read well."""

    class Meta:
        csrf = False

    board = SelectField("Board", validate_choice=False,
                        validators=[OneOf("Choose a board from the list")])
    alliance = SelectField("Alliance", validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    profession = SelectField("Profession", validate_choice=False,
                             validators=[OneOf("Choose a profession from the list")])

    def set_choices(self, boards: Iterable[Board], alliances: Iterable[Alliance],
                    professions: Iterable[Profession]) -> None:
        self.board.choices = [("", "All boards")] + [(b.slug, b.name) for b in boards]
        self.alliance.choices = [("", "All alliances")] + [(a.slug, a.name) for a in alliances]
        self.profession.choices = [("", "All professions")] + [(p.slug, p.name) for p in professions]
