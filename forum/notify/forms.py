"""Forms for following and email preferences: shape only; the services check the rest."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField

from forum.forms import BaseForm
from forum.notify import preferences

STRAIGHT_AWAY_OR_NEVER = {k: v for k, v in preferences.MODES.items()
                          if k in (preferences.IMMEDIATELY, preferences.NEVER)}


def _hours() -> dict[int, str]:
    return {h: f"{h:02d}:00" for h in range(24)}


class PreferencesForm(BaseForm):
    replies = RadioField(preferences.KINDS["replies"], choices=dict(preferences.MODES))
    mentions = RadioField(preferences.KINDS["mentions"], choices=dict(preferences.MODES))
    new_discussions = RadioField(preferences.KINDS["new_discussions"],
                                 choices=dict(preferences.MODES))
    moderation = RadioField(preferences.KINDS["moderation"], choices=STRAIGHT_AWAY_OR_NEVER)
    qi = RadioField(preferences.KINDS["qi"], choices=STRAIGHT_AWAY_OR_NEVER)
    events = RadioField(preferences.KINDS["events"], choices=STRAIGHT_AWAY_OR_NEVER)
    weekly_day = SelectField("Day", coerce=int,
                             choices=dict(enumerate(preferences.DAYS)))
    weekly_hour = SelectField("Time (London)", coerce=int, choices=_hours())


class FollowDiscussionsForm(BaseForm):
    """Boards, alliances and professions are filled in by the view (live ones only)."""

    board = SelectField("Board", coerce=int)
    alliance = SelectField("Alliance", coerce=int)
    profession = SelectField("Profession", coerce=int)
    next = HiddenField()
