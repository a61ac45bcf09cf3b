"""Newsletter forms: shape only (required, length); the services decide the rest."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from forum.discussions.forms import MultiCheckboxField
from forum.forms import BaseForm, email_address
from forum.markup import MAX_SOURCE
from forum.newsletter.issues import SUBJECT_MAX


class SignupForm(BaseForm):
    email = StringField("Email address", validators=[
        DataRequired("Enter your email address"), Length(max=254), email_address])
    name = StringField("Name (optional)", validators=[Optional(), Length(max=120)])
    profession = StringField("Profession (optional)", validators=[Optional(), Length(max=120)])
    organisation = StringField("Organisation (optional)", validators=[Optional(), Length(max=160)])
    agree = BooleanField("I agree", validators=[
        DataRequired("Tick the box to say you agree to get the newsletter")])


class IssueForm(BaseForm):
    subject = StringField("Subject", validators=[DataRequired("Enter a subject"),
                                                 Length(max=SUBJECT_MAX)])
    intro = TextAreaField("Introduction", validators=[Optional(), Length(max=MAX_SOURCE)])
    items = MultiCheckboxField("Include", choices=[], validate_choice=False)


class ScheduleForm(BaseForm):
    day = DateField("Date", validators=[DataRequired("Enter the date, like 27/10/2026")],
                    format=["%Y-%m-%d", "%d/%m/%Y"])
    clock = TimeField("Time (London)", validators=[DataRequired("Enter a time, like 09:00")])


class ImportForm(BaseForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file")])
