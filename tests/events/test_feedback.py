"""Learning outcomes, recording and slides; attendees' feedback, once each and anonymous."""

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, PermissionDenied
from forum.events import attendance, feedback, outcomes
from forum.events.models import EventFeedback, Signup
from tests import factories


def _attend(db, organiser, event, *members) -> None:
    ids = set(db.session.scalars(select(Signup.id).where(
        Signup.event_id == event.id, Signup.user_id.in_([m.id for m in members]))))
    attendance.record_checklist(organiser, event, ids)


def test_outcomes_are_the_ticked_and_typed_ones_without_repeats(db, organiser, past_webinar):
    event, _ = past_webinar
    outcomes.save_outcomes(organiser, event, chosen=["Shadowing opportunities", "Online resource"],
                           others="Link with the local hospice\n\nonline resource\n",
                           recording_url="https://video.example/rec", slides_url="")
    assert outcomes.outcomes_of(event) == ["Shadowing opportunities", "Online resource",
                                           "Link with the local hospice"]
    outcomes.save_outcomes(organiser, event, chosen=["Replicable QI models"], others="",
                           recording_url="", slides_url="https://slides.example/deck")
    assert outcomes.outcomes_of(event) == ["Replicable QI models"]
    assert (event.recording_url, event.slides_url) == ("", "https://slides.example/deck")


@pytest.mark.parametrize(("kw", "field"), [
    ({"recording_url": "javascript:alert(1)"}, "recording_url"),
    ({"slides_url": "http://insecure.example"}, "slides_url"),
    ({"others": "x" * 121}, "others"),
])
def test_bad_outcome_input_is_refused(db, organiser, past_webinar, kw, field):
    event, _ = past_webinar
    values = {"chosen": [], "others": "", "recording_url": "", "slides_url": ""} | kw
    with pytest.raises(InvalidInput) as error:
        outcomes.save_outcomes(organiser, event, **values)
    assert error.value.field == field


def test_feedback_needs_the_form_open_and_attendance(db, organiser, past_webinar):
    event, people = past_webinar
    priya, tom = people["Priya Shah"], people["Tom Reid"]
    _attend(db, organiser, event, priya)
    with pytest.raises(PermissionDenied):  # not open yet
        feedback.give_feedback(priya, event, rating=5, learnt="a", change="b")
    feedback.set_feedback_open(organiser, event, True)
    with pytest.raises(PermissionDenied):  # did not attend
        feedback.give_feedback(tom, event, rating=5, learnt="a", change="b")
    feedback.give_feedback(priya, event, rating=4, learnt="Fatigue scales", change="Ask earlier")


def test_feedback_is_given_once(db, organiser, past_webinar):
    event, people = past_webinar
    priya = people["Priya Shah"]
    _attend(db, organiser, event, priya)
    feedback.set_feedback_open(organiser, event, True)
    feedback.give_feedback(priya, event, rating=4, learnt="Fatigue scales", change="Ask earlier")
    with pytest.raises(InvalidInput, match="already given feedback"):
        feedback.give_feedback(priya, event, rating=1, learnt="Again", change="Again")
    assert db.session.scalars(select(EventFeedback.rating)).all() == [4]


@pytest.mark.parametrize(("kw", "field"), [
    ({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"rating": None}, "rating"),
    ({"learnt": "  "}, "learnt"), ({"change": ""}, "change"), ({"comments": "x" * 2001}, "comments"),
])
def test_bad_feedback_is_refused_beside_the_field(db, organiser, past_webinar, kw, field):
    event, people = past_webinar
    _attend(db, organiser, event, people["Priya Shah"])
    feedback.set_feedback_open(organiser, event, True)
    values = {"rating": 3, "learnt": "a", "change": "b"} | kw
    with pytest.raises(InvalidInput) as error:
        feedback.give_feedback(people["Priya Shah"], event, **values)
    assert error.value.field == field


def test_the_summary_counts_and_averages(db, organiser, past_webinar):
    event, people = past_webinar
    members = [people["Priya Shah"], people["Tom Reid"], people["Dan Hughes"]]
    _attend(db, organiser, event, *members)
    feedback.set_feedback_open(organiser, event, True)
    for member, rating in zip(members, (5, 4, 4), strict=True):
        feedback.give_feedback(member, event, rating=rating, learnt=f"Learnt {rating}",
                               change="Refer sooner", comments="" if rating == 4 else "More please")
    result = feedback.summary(event)
    assert (result.count, result.average) == (3, 4.3)
    assert result.ratings == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}
    assert result.comments == ["More please"] and len(result.change) == 3


def test_an_organiser_of_another_event_cannot_open_its_feedback(db, organiser, past_webinar):
    event, _ = past_webinar
    with pytest.raises(PermissionDenied):
        feedback.set_feedback_open(factories.member(), event, True)
