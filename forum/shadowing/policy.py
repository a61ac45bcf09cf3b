"""Who may see and do what with shadowing offers: every rule in one place, used by the views,
the templates (to show or hide a button) and the services (to refuse again).

Shadowing is for members: offers name a member and their service. Contact details are seen
only by the two people once the offer's author has accepted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select

from forum.discussions.policy import _user, is_member, is_moderator
from forum.errors import NotFound, PermissionDenied
from forum.shadowing.models import InterestStatus, ShadowingInterest, ShadowingOffer


def _is_author(viewer: Any, offer: ShadowingOffer) -> bool:
    user = _user(viewer)
    return bool(user and offer.author_id == user.id)


def can_view(viewer: Any, offer: ShadowingOffer) -> bool:
    """Members see offers; a hidden one only its author (with the reason) and moderators."""
    if not is_member(viewer):
        return False
    return offer.hidden_at is None or is_moderator(viewer) or _is_author(viewer, offer)


def visible_offers(stmt: Select, viewer: Any) -> Select:
    """Listings: hidden offers only for moderators (their own are on "Your shadowing")."""
    return stmt if is_moderator(viewer) else stmt.where(ShadowingOffer.hidden_at.is_(None))


def can_edit(viewer: Any, offer: ShadowingOffer) -> bool:
    return is_member(viewer) and _is_author(viewer, offer)


def can_hide(viewer: Any) -> bool:
    return is_moderator(viewer)


def can_express_interest(viewer: Any, offer: ShadowingOffer, today: date) -> bool:
    return is_member(viewer) and not _is_author(viewer, offer) and offer.is_open(today)


def is_party(viewer: Any, interest: ShadowingInterest) -> bool:
    """The offer's author, or the member who expressed the interest."""
    user = _user(viewer)
    return bool(user and is_member(user) and user.id in (interest.user_id, interest.offer.author_id))


def can_see_contact(viewer: Any, interest: ShadowingInterest) -> bool:
    return interest.status == InterestStatus.ACCEPTED and is_party(viewer, interest)


def require_member(viewer: Any) -> None:
    if not is_member(viewer):
        raise PermissionDenied("Only members can use shadowing.")


def require_view(viewer: Any, offer: ShadowingOffer) -> None:
    if not can_view(viewer, offer):
        raise NotFound("No such offer.")


def require_edit(viewer: Any, offer: ShadowingOffer) -> None:
    require_view(viewer, offer)
    if not can_edit(viewer, offer):
        raise PermissionDenied("Only the member who posted it can change it.")


def require_party(viewer: Any, interest: ShadowingInterest) -> None:
    """Anyone else is told there is no such page: an interest is private to the two."""
    if not is_party(viewer, interest):
        raise NotFound("No such page.")


def require_moderator(viewer: Any) -> None:
    if not can_hide(viewer):
        raise PermissionDenied("Only moderators can do that.")
