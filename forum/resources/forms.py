"""Forms for the library (shape only; the service checks what depends on the kind, and a
file's type and size are checked from its content)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forum.discussions.forms import MultiCheckboxField, OneOf, as_id
from forum.events.forms import PlainInteger, _chosen
from forum.forms import BaseForm
from forum.markup import MAX_SOURCE
from forum.resources.models import KIND_LABELS
from forum.resources.queries import SORTS
from forum.resources.services import DESCRIPTION_MAX, TITLE_MAX


class Minutes(PlainInteger):
    unreadable = "Enter the length in minutes as a whole number, like 60"


class ResourceForm(BaseForm):
    kind = RadioField("What kind of resource is it?",
                      choices={k.value: v for k, v in KIND_LABELS.items()},
                      validators=[InputRequired("Choose what kind of resource it is")])
    title = StringField("Title", validators=[
        InputRequired("Enter a title"),
        Length(max=TITLE_MAX, message=f"The title must be {TITLE_MAX} characters or fewer")])
    description = TextAreaField("Description", validators=[Length(
        max=DESCRIPTION_MAX, message=f"The description must be {DESCRIPTION_MAX:,} characters or fewer")])
    url = StringField("Web address", validators=[Length(max=500, message="The web address must be "
                                                                          "500 characters or fewer")])
    minutes = Minutes("Length of the recording, in minutes (optional)", validators=[Optional()])
    file = FileField("File")
    body_source = TextAreaField("The guide (Markdown)", validators=[Length(
        max=MAX_SOURCE, message=f"The guide must be {MAX_SOURCE:,} characters or fewer")])
    board = SelectField("Topic (board)", coerce=as_id, validate_choice=False,
                        validators=[OneOf("Choose a topic from the list")])
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    professions = MultiCheckboxField("Who is it for? (optional)", coerce=as_id,
                                     validate_choice=False,
                                     validators=[OneOf("Choose professions from the list")])
    event = SelectField("The event it came from (optional)", coerce=as_id, validate_choice=False,
                        validators=[OneOf("Choose an event from the list")])
    is_public = BooleanField("Public: visitors can see it (otherwise members only)", default=True)

    def set_choices(self, boards, alliances, professions, events) -> None:
        self.board.choices = [("", "No particular topic")] + [(b.id, b.name) for b in boards]
        self.alliance.choices = [("", "All of London")] + [(a.id, a.name) for a in alliances]
        self.professions.choices = [(p.id, p.name) for p in professions]
        self.event.choices = [("", "Not from an event")] + [
            (e.id, f"{e.title} ({e.starts_at:%B %Y})") for e in events]

    def validate_minutes(self, field) -> None:
        if field.data is not None and field.data < 1:
            raise ValidationError("Enter the length in minutes, 1 or more")


class DeclineForm(BaseForm):
    reason = TextAreaField("Why is it not going in the library?", validators=[
        InputRequired("Say why, so the member knows what to change"),
        Length(max=DESCRIPTION_MAX)])


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    kind = SelectField("Kind", choices={"": "Any kind"} | {k.value: v for k, v in KIND_LABELS.items()},
                       validate_choice=False)
    board = SelectField("Topic", coerce=as_id, validate_choice=False)
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False)
    profession = SelectField("Profession", coerce=as_id, validate_choice=False)
    event = SelectField("Event", coerce=as_id, validate_choice=False)
    sort = SelectField("Sort by", choices=SORTS, validate_choice=False, default="featured")

    def set_choices(self, boards, alliances, professions, events) -> None:
        self.board.choices = [("", "Any topic")] + [(b.id, b.name) for b in boards]
        self.alliance.choices = [("", "Any alliance")] + [(a.id, a.name) for a in alliances]
        self.profession.choices = [("", "Any profession")] + [(p.id, p.name) for p in professions]
        self.event.choices = [("", "Any event")] + [(e.id, e.title) for e in events]

    def clean(self) -> dict:
        kind = self.kind.data if self.kind.data in {k.value for k in KIND_LABELS} else None
        return {"kind": kind, "board_id": _chosen(self.board), "alliance_id": _chosen(self.alliance),
                "profession_id": _chosen(self.profession), "event_id": _chosen(self.event),
                "sort": self.sort.data if self.sort.data in SORTS else "featured"}

