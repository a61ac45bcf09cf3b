"""Forms for measures and their data (shape only; the services check the rest)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from forum.forms import BaseForm
from forum.qi.measures import DEFINITION_MAX, NAME_MAX, UNIT_MAX
from forum.qi.models import MeasureKind
from forum.qi.series import MAX_NOTE

KIND_CHOICES = [(MeasureKind.OUTCOME.value, "Outcome: the result you want to change"),
                (MeasureKind.PROCESS.value, "Process: whether the steps happen as planned"),
                (MeasureKind.BALANCING.value, "Balancing: what might get worse as a result")]
BETTER_CHOICES = [("up", "Higher is better"), ("down", "Lower is better"),
                  ("", "Neither: show changes without calling them good or bad")]
CHART_CHOICES = [("auto", "Choose for me: a run chart under 12 points, an SPC chart from 12"),
                 ("run", "Run chart"), ("spc", "SPC (XmR) chart")]
PASTE_MAX = 1_000_000


def _choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class MeasureForm(BaseForm):
    name = StringField("Name", validators=[InputRequired("Enter the measure's name"),
                                           Length(max=NAME_MAX)])
    kind = RadioField("Type of measure", choices=_choices(KIND_CHOICES), default="outcome",
                      validators=[InputRequired("Choose outcome, process or balancing")])
    definition = TextAreaField("Operational definition", validators=[
        Length(max=DEFINITION_MAX, message=f"Keep it to {DEFINITION_MAX:,} characters")])
    unit = StringField("Unit", validators=[Length(max=UNIT_MAX)])
    better = RadioField("Which direction is better?", choices=_choices(BETTER_CHOICES), default="",
                        validate_choice=True)
    target = DecimalField("Target (optional)", places=None, validators=[Optional()],
                          render_kw={"inputmode": "decimal"})
    chart = RadioField("Chart", choices=_choices(CHART_CHOICES), default="auto")
    is_primary = BooleanField("This is the project's primary measure (replicas are compared on it)")


class PasteForm(BaseForm):
    text = TextAreaField("Paste rows from a spreadsheet", validators=[
        Length(max=PASTE_MAX, message="That is too much text: paste at most 5,000 rows")])
    replace = BooleanField("Replace the data already saved")


class UploadSeriesForm(BaseForm):
    file = FileField("Upload a CSV file")
    replace = BooleanField("Replace the data already saved")


class PointForm(BaseForm):
    period = StringField("Date or period", validators=[InputRequired("Enter the date")])
    value = StringField("Value", validators=[InputRequired("Enter the value")],
                        render_kw={"inputmode": "decimal"})
    note = StringField("Note (optional)", validators=[Length(max=MAX_NOTE)])
