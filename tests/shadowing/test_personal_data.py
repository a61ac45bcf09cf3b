"""A member's shadowing data: exported in full, erased with places given back."""

from __future__ import annotations

from sqlalchemy import select

from forum.shadowing import personal_data, services
from forum.shadowing.models import ShadowingInterest, ShadowingOffer
from tests import factories
from tests.shadowing.helpers import offer


def test_export_has_their_offers_and_interests_with_contact_details(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host, contact_details="Bleep 4321")
    services.express_interest(visitor, posted, message="Hello", contact_details="07700 900000")
    assert personal_data.export_member(host)["shadowing_offers"][0]["contact_details"] == "Bleep 4321"
    interest = personal_data.export_member(visitor)["shadowing_interests"][0]
    assert interest["contact_details"] == "07700 900000" and interest["offer"] == posted.title


def test_erasure_removes_their_posts_and_interests_and_frees_their_places(db):
    host, visitor, other = factories.member(), factories.member(), factories.member()
    theirs = offer(visitor, title="Visitor's own offer")
    services.express_interest(other, theirs, message="On the erased member's offer")
    hosted = offer(host, places=1)
    services.accept_interest(host, services.express_interest(visitor, hosted, message="Hi"))
    personal_data.erase_member(visitor)
    db.session.commit()
    assert db.session.scalars(select(ShadowingOffer.title)).all() == [hosted.title]
    assert db.session.scalar(select(ShadowingInterest.id)) is None
    assert db.session.get(ShadowingOffer, hosted.id).accepted_count == 0
    assert personal_data.export_member(visitor) == {"shadowing_offers": [],
                                                    "shadowing_interests": []}
