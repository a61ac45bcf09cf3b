"""Forms for shadowing (shape only; dates, places and hours are checked by the services)."""

from __future__ import annotations

from wtforms import DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forum.discussions.forms import OneOf, as_id
from forum.events.forms import PlainDate, PlainInteger, _chosen
from forum.forms import BaseForm
from forum.shadowing.models import KIND_LABELS
from forum.shadowing.services import MESSAGE_MAX, TEXT_MAX, TITLE_MAX


class Places(PlainInteger):
    unreadable = "Enter the number of places as a whole number, like 2"


class Hours(DecimalField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter the hours as a number, like 3.5") from error


def _text(label: str) -> TextAreaField:
    message = f"This must be {TEXT_MAX:,} characters or fewer"
    return TextAreaField(label, validators=[Length(max=TEXT_MAX, message=message)])


class OfferForm(BaseForm):
    kind = RadioField("Are you offering or asking?",
                      choices={k.value: v for k, v in KIND_LABELS.items()}, default="offer",
                      validators=[InputRequired("Choose whether you are offering or asking")])
    title = StringField("Service", validators=[
        InputRequired("Enter the service, for example “Lymphoedema clinic, Lewisham”"),
        Length(max=TITLE_MAX, message=f"The service must be {TITLE_MAX} characters or fewer")])
    profession = SelectField("Profession", coerce=as_id, validate_choice=False,
                             validators=[OneOf("Choose a profession from the list")])
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False,
                           validators=[OneOf("Choose an alliance from the list")])
    organisation = StringField("Organisation", validators=[Length(max=160)])
    what_you_see = _text("What the visitor will see")
    availability = _text("When (availability)")
    places = Places("How many places", default=1, validators=[Optional()])
    expires_on = PlainDate("Offer ends on", validators=[InputRequired("Enter the date the offer ends")])
    contact_details = _text("Contact details, for the people you accept (optional)")

    def set_choices(self, alliances, professions) -> None:
        self.profession.choices = [("", "Any profession")] + [(p.id, p.name) for p in professions]
        self.alliance.choices = [("", "Pan-London")] + [(a.id, a.name) for a in alliances]


class InterestForm(BaseForm):
    message = TextAreaField("Your message", validators=[
        InputRequired("Write a short message saying why you are interested"),
        Length(max=MESSAGE_MAX, message=f"The message must be {MESSAGE_MAX:,} characters or fewer")])
    contact_details = _text("Contact details, if you are accepted (optional)")


class DoneForm(BaseForm):
    visit_date = PlainDate("Date of the visit", validators=[InputRequired("Enter the date of the visit")])
    hours = Hours("Hours", places=2, validators=[InputRequired("Enter the hours, like 3.5")])


class HideForm(BaseForm):
    reason = TextAreaField("Why is it hidden?", validators=[
        InputRequired("Say why it is hidden: the member sees this"), Length(max=MESSAGE_MAX)])


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    kind = SelectField("Offers or requests", validate_choice=False,
                       choices={"": "Both"} | {k.value: v for k, v in KIND_LABELS.items()})
    profession = SelectField("Profession", coerce=as_id, validate_choice=False)
    alliance = SelectField("Alliance", coerce=as_id, validate_choice=False)
    show = SelectField("Show", choices={"": "Open ones", "all": "All, with closed and hidden"},
                       validate_choice=False)

    def set_choices(self, alliances, professions) -> None:
        self.profession.choices = [("", "Any profession")] + [(p.id, p.name) for p in professions]
        self.alliance.choices = [("", "Any alliance")] + [(a.id, a.name) for a in alliances]

    def clean(self) -> dict:
        kind = self.kind.data if self.kind.data in {k.value for k in KIND_LABELS} else None
        return {"kind": kind, "profession_id": _chosen(self.profession),
                "alliance_id": _chosen(self.alliance), "everything": self.show.data == "all"}
