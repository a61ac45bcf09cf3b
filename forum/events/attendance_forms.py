"""Forms for after an event: walk-ins, importing a report, outcomes and feedback (shape only;
the rules are in the services)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forum.discussions.forms import MultiCheckboxField
from forum.events.feedback import TEXT_MAX
from forum.events.outcomes import STANDARD_OUTCOMES
from forum.forms import BaseForm


class WalkInForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter their name"), Length(max=200)])
    email = StringField("Email address", validators=[DataRequired("Enter their email address"),
                                                     Length(max=254)])
    profession = StringField("Profession (optional)", validators=[Optional(), Length(max=120)])
    organisation = StringField("Organisation (optional)", validators=[Optional(), Length(max=160)])


class ImportForm(BaseForm):
    report = FileField("Attendance report from Teams or Zoom",
                       validators=[FileRequired("Choose the attendance report to upload")])


class OutcomesForm(BaseForm):
    chosen = MultiCheckboxField("What did this event lead to?", validate_choice=False,
                                choices={o: o for o in STANDARD_OUTCOMES})
    others = TextAreaField("Other outcomes (optional)", validators=[Optional(), Length(max=2000)])
    recording_url = StringField("Link to the recording (optional)",
                                validators=[Optional(), Length(max=500)])
    slides_url = StringField("Link to the slides (optional)", validators=[Optional(), Length(max=500)])


class FeedbackForm(BaseForm):
    rating = RadioField("How useful was this event?", coerce=int,
                        choices={5: "5 – very useful", 4: "4", 3: "3", 2: "2", 1: "1 – not useful"},
                        validators=[InputRequired("Choose a rating from 1 to 5")])
    learnt = TextAreaField("What did you learn?", validators=[
        DataRequired("Tell us what you learnt"), Length(max=TEXT_MAX)])
    change = TextAreaField("What will you change in your practice?", validators=[
        DataRequired("Tell us what you will change in your practice"), Length(max=TEXT_MAX)])
    comments = TextAreaField("Anything else, including topics you would like next time? (optional)",
                             validators=[Optional(), Length(max=TEXT_MAX)])
