"""CPD forms: shape only (hours and dates are judged by forum.cpd.rules and the services)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forum.cpd.hcpc import NOTE_MAX, TEXT_MAX
from forum.cpd.models import CODE_LABELS, METHOD_LABELS
from forum.cpd.reflections import ANSWER_MAX
from forum.cpd.services import PRACTICE_MAX, TOPIC_MAX
from forum.forms import BaseForm

METHOD_CHOICES = {"": "Choose the method"} | {k.value: v for k, v in METHOD_LABELS.items()}
CODE_CHOICES = {"": "Choose a part of the Code"} | {k.value: v for k, v in CODE_LABELS.items()}


class CpdDate(DateField):
    """A date field whose "could not read that" message is plain English."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a real date, for example 2026-10-27") from error


def _date(label: str, required: bool) -> CpdDate:
    checks = [InputRequired(f"Enter the {label.lower()}")] if required else [Optional()]
    return CpdDate(label, validators=checks, render_kw={"type": "date"})


class EntryForm(BaseForm):
    start_date = _date("Date", True)
    end_date = _date("End date (if it ran over more than one day)", False)
    method = SelectField("Method", choices=METHOD_CHOICES, validators=[InputRequired("Choose the method")])
    topic = StringField("Topic", validators=[InputRequired("Enter the topic"), Length(
        max=TOPIC_MAX, message=f"The topic must be {TOPIC_MAX} characters or fewer")])
    practice = TextAreaField("How it relates to my practice", validators=[Length(
        max=PRACTICE_MAX, message=f"This must be {PRACTICE_MAX} characters or fewer")])
    hours = StringField("Hours", validators=[InputRequired("Enter the number of hours")])
    participatory_hours = StringField("Participatory hours", validators=[Optional()])
    code_theme = SelectField("Part of the Code", choices=CODE_CHOICES, validators=[Optional()])
    evidence_url = StringField("Link to evidence on this site (optional)", validators=[Length(max=500)])
    certificate = FileField("Certificate (optional)")
    remove_certificate = BooleanField("Remove the certificate")


class ReflectionForm(BaseForm):
    entry_id = SelectField("Which CPD activity is this about?", choices={}, validate_choice=False)
    nature = TextAreaField("", validators=[Length(max=ANSWER_MAX)])
    learned = TextAreaField("", validators=[Length(max=ANSWER_MAX)])
    changed = TextAreaField("", validators=[Length(max=ANSWER_MAX)])
    code_theme = RadioField("Theme of the Code", choices={k.value: v for k, v in CODE_LABELS.items()},
                            validators=[Optional()], validate_choice=False)
    code_relevance = TextAreaField("", validators=[Length(max=ANSWER_MAX)])


class SettingsForm(BaseForm):
    revalidation_date = _date("Revalidation date", False)


class RevokeForm(BaseForm):
    reason = StringField("Why is it withdrawn?", validators=[
        InputRequired("Say why the certificate is withdrawn"), Length(max=300)])


class GapNoteForm(BaseForm):
    explanation = TextAreaField("Why was there no CPD in this time?", validators=[Length(
        max=NOTE_MAX, message=f"The explanation must be {NOTE_MAX} characters or fewer")])


class ProfileForm(BaseForm):
    summary = TextAreaField("Summary of your practice", validators=[Length(
        max=TEXT_MAX, message=f"This must be {TEXT_MAX:,} characters or fewer")])
    statement = TextAreaField("Personal statement", validators=[Length(
        max=TEXT_MAX, message=f"This must be {TEXT_MAX:,} characters or fewer")])
