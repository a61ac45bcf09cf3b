"""The search form: a GET form, so every search and filter is a bookmarkable URL."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import DateField, HiddenField, SearchField, SelectField, StringField
from wtforms.validators import Length, Optional

from forum.community.models import Alliance, Board, Profession
from forum.forms import BaseForm
from forum.search import kinds


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    q = SearchField("Search for")  # any length: the service cuts it down and says so
    board = SelectField("Board", validate_choice=False)
    alliance = SelectField("Alliance", validate_choice=False)
    profession = SelectField("Profession", validate_choice=False)
    kind = SelectField("Show", validate_choice=False)
    author = StringField("Written by", validators=[
        Optional(), Length(max=80, message="Enter a name of 80 characters or fewer")])
    date_from = DateField("From", validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("To", validators=[Optional()], render_kw={"type": "date"})
    sort = SelectField("Sort by", validate_choice=False)
    thread = HiddenField()  # one discussion's matches ("Show all N matching posts")

    def set_choices(self, boards: Iterable[Board], alliances: Iterable[Alliance],
                    professions: Iterable[Profession]) -> None:
        self.board.choices = [("", "All boards")] + [(b.slug, b.name) for b in boards]
        self.alliance.choices = [("", "All alliances")] + [(a.slug, a.name) for a in alliances]
        self.profession.choices = [("", "All professions")] + [(p.slug, p.name) for p in professions]
        self.kind.choices = [("", "Everything"), *kinds.filter_choices().items()]
        self.sort.choices = [("relevance", "Best match"), ("newest", "Newest first")]
