"""Forms for QI write-ups, one per section of the task list (shape only: services clean and
check the rest). Every long field is Markdown; dates are typed as 2024-03-01."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forum.community.models import Alliance, Profession
from forum.discussions.forms import INVALID, MultiCheckboxField, OneOf, as_id
from forum.forms import BaseForm
from forum.markup import MAX_SOURCE, problem
from forum.qi.models import SETTING_LABELS, STATUS_LABELS, PdsaAct

TEXT_MAX = MAX_SOURCE


def renderable(form: BaseForm, field) -> None:
    if field.data and len(field.data) <= TEXT_MAX and (message := problem(field.data)):
        raise ValidationError(message)


def markdown(label: str, required: str | None = None) -> TextAreaField:
    validators = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(label, validators=[
        *validators, Length(max=TEXT_MAX, message=f"This must be {TEXT_MAX:,} characters or fewer"),
        renderable])


class DateText(StringField):
    """A date typed as 2024-03-01 (or 1/3/2024); what was typed is kept when it is wrong."""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        self.raw = (valuelist[0] if valuelist else "").strip()
        if not self.raw:
            return
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(self.raw, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError("Enter a real date, for example 2024-03-01")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""


def _setting_choices() -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in SETTING_LABELS.items()]


def _status_choices() -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in STATUS_LABELS.items()]


class AboutForm(BaseForm):
    title = StringField("Title", validators=[
        DataRequired("Enter a title"), Length(max=200, message="Title must be 200 characters or fewer")])
    summary = markdown("Summary")
    background = markdown("The problem and why it matters")
    setting = RadioField("Setting", default="general-practice",
                         validate_choice=False, validators=[OneOf("Choose a setting from the list")])
    alliance = SelectField("Cancer alliance", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    professions = MultiCheckboxField("Professions involved", coerce=as_id, validate_choice=False,
                                     validators=[OneOf("Choose professions from the list")])
    status = RadioField("Status", default="idea", validate_choice=False,
                        validators=[OneOf("Choose a status from the list")])
    start_date = DateText("Start date (optional)")

    def set_choices(self, alliances: Iterable[Alliance], professions: Iterable[Profession]) -> None:
        from forum.discussions.queries import PAN_LONDON_NAME, is_pan_london

        self.setting.choices = _setting_choices()
        self.status.choices = _status_choices()
        self.alliance.choices = [("", PAN_LONDON_NAME)] + [
            (a.id, a.name) for a in alliances if not is_pan_london(a)]
        self.professions.choices = [(p.id, p.name) for p in professions]


_NUMBER = re.compile(r"\d")
_WHEN = re.compile(r"\b(by|before|until|within|end of)\b|\b(19|20)\d\d\b|\b(jan|feb|mar|apr|may|jun|"
                   r"jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


def aim_nudges(aim: str) -> list[str]:
    """Gentle, non-blocking notes when an aim does not yet say how much or by when."""
    if not aim.strip():
        return []
    notes = []
    if not _NUMBER.search(aim):
        notes.append("Your aim has no number yet: how much do you want to change, "
                     "for example “from 20% to 60%”?")
    if not _WHEN.search(aim):
        notes.append("Your aim has no date yet: by when, for example “by March 2025”?")
    return notes


class AimForm(BaseForm):
    aim = markdown("Aim")


class ResultsForm(BaseForm):
    results = markdown("Results")
    learning = markdown("What we learned")
    replicate_needs = markdown("What you need")
    replicate_time = StringField("Time it took", validators=[
        Length(max=200, message="This must be 200 characters or fewer")])
    replicate_pitfalls = markdown("Pitfalls")


class DriverForm(BaseForm):
    text = StringField("Text", validators=[
        DataRequired("Enter what the box says"),
        Length(max=300, message="This must be 300 characters or fewer")])
    parent = HiddenField(filters=[as_id])


class MoveForm(BaseForm):
    direction = HiddenField()
    parent = SelectField("Move to", coerce=as_id, validate_choice=False)


class CycleForm(BaseForm):
    change_idea = StringField("Change tested", validators=[
        Length(max=300, message="This must be 300 characters or fewer")])
    change_node = SelectField("Or choose a change idea from your driver diagram", coerce=as_id,
                              validate_choice=False,
                              validators=[OneOf("Choose a change idea from the list")])
    plan = markdown("Plan")
    prediction = markdown("Prediction")
    do = markdown("Do")
    study = markdown("Study")
    act = RadioField("Act", default="", validate_choice=False,
                     validators=[OneOf("Choose adopt, adapt or abandon")])
    act_notes = markdown("What you decided and why")
    started_on = DateText("Started on (optional)")
    ended_on = DateText("Ended on (optional)")
    measure = SelectField("Mark on the chart of", coerce=as_id, validate_choice=False,
                          validators=[OneOf("Choose a measure from the list")])
    rebase = BooleanField("This was a lasting change: recalculate the chart's limits from here")

    def set_choices(self, change_ideas, measures) -> None:
        self.act.choices = [("", "Not decided yet")] + [
            (a.value, a.value.capitalize()) for a in PdsaAct]
        self.change_node.choices = [("", "None")] + [(n.id, n.text) for n in change_ideas]
        self.measure.choices = [("", "None")] + [(m.id, m.name) for m in measures]


class TeamForm(BaseForm):
    name = StringField("Name or email address", validators=[
        DataRequired("Enter the name of a member of the forum"),
        Length(max=254, message="This must be 254 characters or fewer")])
    role = StringField("Role on the team (optional)", validators=[
        Length(max=120, message="This must be 120 characters or fewer")])
    is_coauthor = BooleanField("Co-author: may edit the write-up")


class TeamMemberForm(BaseForm):
    role = StringField("Role", validators=[
        Length(max=120, message="This must be 120 characters or fewer")])
    is_coauthor = BooleanField("Co-author")


class FilterForm(BaseForm):
    """The GET form narrowing /qi; values are slugs, so links read well."""

    class Meta:
        csrf = False

    setting = SelectField("Setting", validate_choice=False,
                          validators=[OneOf("Choose a setting from the list")])
    alliance = SelectField("Alliance", validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    profession = SelectField("Profession", validate_choice=False,
                             validators=[OneOf("Choose a profession from the list")])
    status = SelectField("Status", validate_choice=False,
                         validators=[OneOf("Choose a status from the list")])
    has_data = BooleanField("Has data")
    replicated = BooleanField("Replicated by others")
    sort = SelectField("Sort by", validate_choice=False,
                       validators=[OneOf("Choose how to sort from the list")])

    def set_choices(self, alliances, professions, sorts) -> None:
        self.setting.choices = [("", "All settings"), *_setting_choices()]
        self.status.choices = [("", "Any status"), *_status_choices()]
        self.alliance.choices = [("", "All alliances")] + [(a.slug, a.name) for a in alliances]
        self.profession.choices = [("", "All professions")] + [(p.slug, p.name) for p in professions]
        self.sort.choices = list(sorts.items())


__all__ = ["INVALID", "AboutForm", "AimForm", "CycleForm", "DriverForm", "FilterForm",
           "MoveForm", "ResultsForm", "TeamForm", "TeamMemberForm", "aim_nudges"]
