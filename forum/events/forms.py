"""Forms for events (shape), and turning the London times typed into UTC instants."""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forum.discussions.forms import INVALID, MultiCheckboxField, OneOf, as_id
from forum.errors import InvalidInput
from forum.events import london
from forum.events.models import KIND_LABELS
from forum.forms import BaseForm, email_address
from forum.markup import MAX_SOURCE

DATE_HINT = "For example, 27/10/2026"


class _Plain:
    """A field whose "could not read that" message is plain English, not WTForms' own."""

    unreadable = ""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.unreadable) from error


class PlainDate(_Plain, DateField):
    unreadable = "Enter a real date, for example 27/10/2026"


class PlainTime(_Plain, TimeField):
    unreadable = "Enter a time on the 24-hour clock, for example 12:30"


class PlainInteger(_Plain, IntegerField):
    unreadable = "Enter the number of places, 1 or more, as a whole number"


def _date(label: str, required: bool = True) -> DateField:
    checks = [InputRequired(f"Enter the {label.lower()}")] if required else [Optional()]
    return PlainDate(label, validators=checks)


def _time(label: str, required: bool = True) -> TimeField:
    checks = [InputRequired(f"Enter the {label.lower()}, like 12:30")] if required else [Optional()]
    return PlainTime(label, validators=checks)


def _fold() -> RadioField:
    return RadioField("Which one?", choices=[], validate_choice=False, validators=[Optional()])


class EventForm(BaseForm):
    title = StringField("Title", validators=[
        DataRequired("Enter a title"), Length(max=200, message="Title must be 200 characters or fewer")])
    kind = RadioField("Type of event", choices={k.value: v for k, v in KIND_LABELS.items()},
                      default="webinar", validators=[InputRequired("Choose the type of event")])
    board = SelectField("Topic (board)", coerce=as_id, validate_choice=False,
                        validators=[OneOf("Choose a topic from the list")])
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    professions = MultiCheckboxField("Who is it for? (optional)", coerce=as_id, validate_choice=False,
                                     validators=[OneOf("Choose professions from the list")])
    start_date = _date("Start date")
    start_time = _time("Start time")
    start_fold = _fold()
    end_date = _date("End date")
    end_time = _time("End time")
    end_fold = _fold()
    deadline_date = _date("Sign-up deadline date (optional)", required=False)
    deadline_time = _time("Sign-up deadline time (optional)", required=False)
    deadline_fold = _fold()
    capacity = PlainInteger("Number of places", validators=[
        InputRequired("Enter the number of places, 1 or more, as a whole number")])
    venue = TextAreaField("Venue address", validators=[Length(max=1000)])
    accessibility = TextAreaField("Accessibility of the venue (optional)", validators=[Length(max=2000)])
    joining_link = StringField("Joining link (Teams or Zoom)", validators=[Length(max=500)])
    description = TextAreaField("Description (Markdown)", validators=[
        Length(max=MAX_SOURCE, message=f"The description must be {MAX_SOURCE:,} characters or fewer")])
    speakers = TextAreaField("Speakers (optional)", validators=[Length(max=1000)])
    questions = TextAreaField("Questions for people signing up (optional)", validators=[Length(max=1000)])
    is_public = BooleanField("Public: visitors can see it (otherwise members only)", default=True)
    allow_guests = BooleanField("Let visitors sign up as guests, without joining")

    def validate_capacity(self, field) -> None:
        if field.data is not None and field.data < 1:
            raise ValidationError("Enter the number of places, 1 or more")

    def set_choices(self, boards, alliances, professions) -> None:
        self.board.choices = [("", "No particular topic")] + [(b.id, b.name) for b in boards]
        self.alliance.choices = [("", "All of London")] + [(a.id, a.name) for a in alliances]
        self.professions.choices = [(p.id, p.name) for p in professions]

    def _instant(self, prefix: str) -> datetime | None:
        day, clock = self[f"{prefix}_date"], self[f"{prefix}_time"]
        fold = self[f"{prefix}_fold"]
        if day.errors or clock.errors or day.data is None or clock.data is None:
            return None
        try:
            return london.to_utc(day.data, clock.data, field=day.name, fold=fold.data or None)
        except london.AmbiguousTime as error:
            fold.choices = error.options
            fold.errors = [error.message]
        except InvalidInput as error:
            clock.errors = [error.message]
        return None

    def instants(self) -> tuple[datetime | None, datetime | None, datetime | None] | None:
        """(start, end, deadline) in UTC, or None with the reason beside the field."""
        start, end, deadline = (self._instant(p) for p in ("start", "end", "deadline"))
        if self.deadline_date.data and not self.deadline_time.data and not self.deadline_time.errors:
            self.deadline_time.errors = ["Enter the sign-up deadline time, like 17:00"]
            return None
        if start is None or end is None or (self.deadline_date.data and deadline is None):
            return None
        return start, end, deadline

    def fill_times(self, starts: datetime, ends: datetime, deadline: datetime | None) -> None:
        for prefix, value in (("start", starts), ("end", ends), ("deadline", deadline)):
            if value is None:
                continue
            there = london.local(value)
            self[f"{prefix}_date"].data, self[f"{prefix}_time"].data = there.date(), there.time()
            if fold := london.fold_of(value):
                self[f"{prefix}_fold"].data = fold
                try:
                    london.to_utc(there.date(), there.time(), field="x")
                except london.AmbiguousTime as error:
                    self[f"{prefix}_fold"].choices = error.options


class GuestForm(BaseForm):
    name = StringField("Full name", validators=[DataRequired("Enter your name"), Length(max=120)])
    email = StringField("Email address", validators=[DataRequired("Enter your email address"),
                                                     Length(max=254), email_address])
    profession = StringField("Profession", validators=[DataRequired("Enter your profession"),
                                                       Length(max=120)])
    organisation = StringField("Organisation", validators=[DataRequired("Enter your organisation"),
                                                           Length(max=160)])


def answers_from(form_data, questions: list[str]) -> dict[str, str]:
    """The answers to the organiser's questions: one optional box each (answer_0, answer_1 …)."""
    return {q: (form_data.get(f"answer_{i}") or "")[:2000] for i, q in enumerate(questions)}


class CancelForm(BaseForm):
    reason = TextAreaField("Why is it cancelled? (optional, kept in the organiser log)",
                           validators=[Length(max=2000)])


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    kind = SelectField("Type", choices={"": "Any type"} | {k.value: v for k, v in KIND_LABELS.items()},
                       validate_choice=False)
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False)
    profession = SelectField("Profession", coerce=as_id, validate_choice=False)
    when = HiddenField()

    def clean(self) -> dict:
        kind = self.kind.data if self.kind.data in {k.value for k in KIND_LABELS} else None
        return {"kind": kind, "alliance_id": _chosen(self.alliance),
                "profession_id": _chosen(self.profession)}


def _chosen(field) -> int | None:
    """A filter's id when it is one of the choices; anything else means no filter."""
    ids = {value for value, _ in field.choices}
    return field.data if field.data in ids and field.data not in ("", INVALID) else None


class OrganiserForm(BaseForm):
    email = StringField("Member's email address", validators=[
        DataRequired("Enter the member's email address"), Length(max=254)])
