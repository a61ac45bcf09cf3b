"""Offering, asking for and arranging shadowing visits. Each service checks policy, changes
state, tells the other person (in-app) and commits once.

An offer holds `places`; accepting an interest takes one with a single guarded UPDATE, so two
acceptances at once never overfill it. When both people have marked a visit done, one
`shadowing.completed` outbox row is written for each of them (the CPD log offers an entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update

from forum import outbox
from forum.community.models import Alliance, Profession
from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.events.london import local
from forum.extensions import db
from forum.members.models import User
from forum.moderation.services.common import _path, audit
from forum.notify.events import tell_member
from forum.shadowing import policy
from forum.shadowing.models import InterestStatus, OfferKind, ShadowingInterest, ShadowingOffer

TITLE_MAX = 200
TEXT_MAX = 4000
MESSAGE_MAX = 2000
PLACES_MAX = 50
LONGEST = timedelta(days=366)  # the latest expiry an offer may have
HOURS_MAX = 80.0  # a week's shadowing, at most, in one visit
COMPLETED_TOPIC = "shadowing.completed"


def london_today() -> date:
    """Offers end at the end of their last day in London, wherever the server is."""
    return local(utcnow()).date()


@dataclass(slots=True)
class OfferInput:
    kind: OfferKind
    title: str
    expires_on: date | None
    profession: Profession | None = None
    alliance: Alliance | None = None
    organisation: str = ""
    what_you_see: str = ""
    availability: str = ""
    places: int | None = 1
    contact_details: str = ""


def _check(data: OfferInput, today: date, *, accepted: int = 0) -> None:
    data.title = " ".join(data.title.split())
    data.organisation = " ".join(data.organisation.split())
    if not data.title:
        raise InvalidInput("Enter the service, for example “Lymphoedema clinic, Lewisham”",
                           field="title")
    if len(data.title) > TITLE_MAX:
        raise InvalidInput(f"The service must be {TITLE_MAX} characters or fewer", field="title")
    if len(data.organisation) > 160:
        raise InvalidInput("The organisation must be 160 characters or fewer", field="organisation")
    for name in ("what_you_see", "availability", "contact_details"):
        value = getattr(data, name).strip()
        if len(value) > TEXT_MAX:
            raise InvalidInput(f"This must be {TEXT_MAX:,} characters or fewer", field=name)
        setattr(data, name, value)
    if data.kind == OfferKind.REQUEST:
        data.places = 1  # one visit for the person asking
    if data.places is None or not 1 <= data.places <= PLACES_MAX:
        raise InvalidInput(f"Enter the number of places, from 1 to {PLACES_MAX}", field="places")
    if data.places < accepted:
        raise InvalidInput(f"You have accepted {accepted}, so there must be at least {accepted} "
                           f"places", field="places")
    if data.expires_on is None:
        raise InvalidInput("Enter the date the offer ends", field="expires_on")
    if data.expires_on < today:
        raise InvalidInput("The end date must be today or later", field="expires_on")
    if data.expires_on > today + LONGEST:
        raise InvalidInput("The end date must be within a year: you can post it again after",
                           field="expires_on")


def _apply(offer: ShadowingOffer, data: OfferInput) -> None:
    offer.kind, offer.title, offer.organisation = data.kind, data.title, data.organisation
    offer.profession, offer.alliance = data.profession, data.alliance
    offer.what_you_see, offer.availability = data.what_you_see, data.availability
    offer.places, offer.expires_on = data.places or 1, data.expires_on  # type: ignore[assignment]
    offer.contact_details = data.contact_details
    offer.updated_at = utcnow()


def create_offer(actor: User, data: OfferInput, *, today: date | None = None) -> ShadowingOffer:
    policy.require_member(actor)
    _check(data, today or london_today())
    offer = ShadowingOffer(author_id=actor.id, kind=data.kind, title=data.title)
    _apply(offer, data)
    db.session.add(offer)
    db.session.commit()
    return offer


def edit_offer(actor: User, offer: ShadowingOffer, data: OfferInput, *,
               today: date | None = None) -> ShadowingOffer:
    policy.require_edit(actor, offer)
    _check(data, today or london_today(), accepted=offer.accepted_count)
    _apply(offer, data)
    db.session.commit()
    return offer


def close_offer(actor: User, offer: ShadowingOffer) -> ShadowingOffer:
    """Its author closes it early: no more interest; accepted visits still go ahead."""
    policy.require_edit(actor, offer)
    offer.closed_at = offer.closed_at or utcnow()
    db.session.commit()
    return offer


def _offer_link(offer: ShadowingOffer) -> str:
    """The offer's path, also outside a request (the demo seed, the CLI)."""
    return _path("shadowing.show_offer", f"/shadowing/{offer.id}", offer_id=offer.id)


def _interest_link(interest: ShadowingInterest) -> str:
    return _path("shadowing.show_interest", f"/shadowing/interests/{interest.id}",
                 interest_id=interest.id)


def express_interest(actor: User, offer: ShadowingOffer, *, message: str,
                     contact_details: str = "", today: date | None = None) -> ShadowingInterest:
    """A short message to the offer's author; asking again after withdrawing reuses the row."""
    policy.require_view(actor, offer)
    if offer.author_id == actor.id:
        raise PermissionDenied("This is your own offer.")
    if not offer.is_open(today or london_today()):
        raise InvalidInput("This offer has closed, so it cannot take more interest.")
    message, contact_details = message.strip(), contact_details.strip()
    if not message:
        raise InvalidInput("Write a short message saying why you are interested", field="message")
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(f"The message must be {MESSAGE_MAX:,} characters or fewer",
                           field="message")
    if len(contact_details) > TEXT_MAX:
        raise InvalidInput(f"This must be {TEXT_MAX:,} characters or fewer", field="contact_details")
    interest = db.session.scalar(db.select(ShadowingInterest).where(
        ShadowingInterest.offer_id == offer.id, ShadowingInterest.user_id == actor.id))
    if interest is not None and interest.status != InterestStatus.WITHDRAWN:
        raise InvalidInput("You have already expressed interest in this offer.")
    if interest is None:
        interest = ShadowingInterest(offer_id=offer.id, user_id=actor.id)
        db.session.add(interest)
    interest.message, interest.contact_details = message, contact_details
    interest.status, interest.decided_at, interest.created_at = \
        InterestStatus.PENDING, None, utcnow()
    db.session.flush()
    tell_member(offer.author_id, kind="shadowing",
                text=f"{actor.display_name} is interested in “{offer.title}”.",
                link=_interest_link(interest))
    db.session.commit()
    return interest


def _require_author(actor: User, interest: ShadowingInterest) -> None:
    if not (policy.is_party(actor, interest) and interest.offer.author_id == actor.id):
        raise PermissionDenied("Only the member who posted the offer can answer.")


def accept_interest(actor: User, interest: ShadowingInterest) -> ShadowingInterest:
    """Takes a place (refused when none is left); the two now see each other's contact details."""
    _require_author(actor, interest)
    if interest.status != InterestStatus.PENDING:
        raise InvalidInput("This has already been answered.")
    offer = interest.offer
    taken = db.session.execute(
        update(ShadowingOffer).where(ShadowingOffer.id == offer.id,
                                     ShadowingOffer.accepted_count < ShadowingOffer.places)
        .values(accepted_count=ShadowingOffer.accepted_count + 1),
        execution_options={"synchronize_session": False}).rowcount
    if not taken:
        db.session.rollback()
        raise InvalidInput("Every place is taken. Add a place (edit the offer) to accept more.")
    db.session.refresh(offer)
    interest.status, interest.decided_at = InterestStatus.ACCEPTED, utcnow()
    tell_member(interest.user_id, kind="shadowing",
                text=f"Good news: {actor.display_name} accepted your interest in “{offer.title}”. "
                     f"Their contact details are on the page.", link=_interest_link(interest))
    db.session.commit()
    return interest


def decline_interest(actor: User, interest: ShadowingInterest) -> ShadowingInterest:
    _require_author(actor, interest)
    if interest.status != InterestStatus.PENDING:
        raise InvalidInput("This has already been answered.")
    interest.status, interest.decided_at = InterestStatus.DECLINED, utcnow()
    tell_member(interest.user_id, kind="shadowing",
                text=f"Your interest in “{interest.offer.title}” was not accepted this time.",
                link=_offer_link(interest.offer))
    db.session.commit()
    return interest


def withdraw_interest(actor: User, interest: ShadowingInterest) -> ShadowingInterest:
    """The member changes their mind; an accepted place goes back to the offer."""
    if not (policy.is_party(actor, interest) and interest.user_id == actor.id):
        raise PermissionDenied("Only the member who expressed interest can withdraw it.")
    if interest.status not in (InterestStatus.PENDING, InterestStatus.ACCEPTED):
        raise InvalidInput("This interest is no longer open.")
    if interest.completed_at is not None:
        raise InvalidInput("This visit is done, so it cannot be withdrawn.")
    if interest.status == InterestStatus.ACCEPTED:
        db.session.execute(update(ShadowingOffer).where(ShadowingOffer.id == interest.offer_id)
                           .values(accepted_count=ShadowingOffer.accepted_count - 1),
                           execution_options={"synchronize_session": False})
        tell_member(interest.offer.author_id, kind="shadowing",
                    text=f"{actor.display_name} can no longer come to “{interest.offer.title}”.",
                    link=_offer_link(interest.offer))
    interest.status, interest.decided_at = InterestStatus.WITHDRAWN, utcnow()
    interest.author_done_at = interest.member_done_at = None
    db.session.commit()
    return interest


def mark_visit_done(actor: User, interest: ShadowingInterest, *, visit_date: date | None,
                    hours: float | None, today: date | None = None) -> ShadowingInterest:
    """Either person marks it done, giving the date and hours; when both have, each of them is
    offered a CPD entry (one outbox row each, written once)."""
    policy.require_party(actor, interest)
    if interest.status != InterestStatus.ACCEPTED:
        raise InvalidInput("Only an accepted visit can be marked done.")
    if visit_date is None:
        raise InvalidInput("Enter the date of the visit", field="visit_date")
    if visit_date > (today or london_today()):
        raise InvalidInput("The visit date must be today or earlier", field="visit_date")
    if hours is None or not 0 < hours <= HOURS_MAX:
        raise InvalidInput(f"Enter the hours, more than 0 and up to {HOURS_MAX:g}", field="hours")
    now = utcnow()
    interest.visit_date, interest.hours = visit_date, round(hours, 2)
    if actor.id == interest.offer.author_id:
        interest.author_done_at = interest.author_done_at or now
    else:
        interest.member_done_at = interest.member_done_at or now
    if interest.author_done_at and interest.member_done_at and interest.completed_at is None:
        interest.completed_at = now
        title = f"Shadowing: {interest.offer.title}"
        for user_id in (interest.offer.author_id, interest.user_id):
            outbox.enqueue(COMPLETED_TOPIC, {"user_id": user_id, "visit_id": interest.id,
                                             "title": title, "date": visit_date.isoformat(),
                                             "hours": float(interest.hours)})
    else:
        other = interest.user_id if actor.id == interest.offer.author_id else interest.offer.author_id
        tell_member(other, kind="shadowing",
                    text=f"{actor.display_name} marked the visit for “{interest.offer.title}” "
                         f"done. Mark it done too when it has happened.",
                    link=_interest_link(interest))
    db.session.commit()
    return interest


def hide_offer(actor: User, offer: ShadowingOffer, *, reason: str) -> ShadowingOffer:
    """Moderators hide an offer like a post: with who, when and why; its author is told."""
    policy.require_moderator(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why it is hidden: the member sees this", field="reason")
    if len(reason) > MESSAGE_MAX:
        raise InvalidInput(f"The reason must be {MESSAGE_MAX:,} characters or fewer", field="reason")
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = utcnow(), actor.id, reason
    audit(actor, "hide_shadowing_offer", "shadowing_offer", offer.id, reason=reason)
    tell_member(offer.author_id, kind="shadowing",
                text=f"A moderator hid your shadowing post “{offer.title}”: {reason}"[:500],
                link=_offer_link(offer))
    db.session.commit()
    return offer


def unhide_offer(actor: User, offer: ShadowingOffer) -> ShadowingOffer:
    policy.require_moderator(actor)
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = None, None, ""
    audit(actor, "unhide_shadowing_offer", "shadowing_offer", offer.id)
    db.session.commit()
    return offer
