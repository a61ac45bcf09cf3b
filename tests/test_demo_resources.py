"""The demo's library and shadowing: 2023 webinars' resources, linked to their events, and a
few shadowing offers and requests across the alliances, all pages answering."""

from sqlalchemy import func, select

from forum.demo import seed_demo
from forum.resources.models import Resource, ResourceKind, ResourceStatus
from forum.shadowing.models import OfferKind, ShadowingInterest, ShadowingOffer
from tests import factories


def test_demo_has_a_library_from_2023_and_shadowing(db, client):
    assert seed_demo() is True
    resources = db.session.scalars(select(Resource)).all()
    assert {r.kind for r in resources} == set(ResourceKind)
    assert sum(r.event_id is not None for r in resources) >= 10
    assert any(r.status == ResourceStatus.SUGGESTED for r in resources)
    assert any(r.featured_at for r in resources) and any(not r.is_public for r in resources)
    offers = db.session.scalars(select(ShadowingOffer)).all()
    assert {o.kind for o in offers} == set(OfferKind) and len({o.alliance_id for o in offers}) >= 3
    assert db.session.scalar(select(func.count()).select_from(ShadowingInterest)) == 2
    assert client.get("/resources").status_code == 200
    for r in resources:
        assert client.get(f"/resources/{r.id}").status_code in (200, 302, 404)
    factories.sign_in(client, offers[0].author)
    assert client.get("/shadowing").status_code == 200
    for o in offers:
        assert client.get(f"/shadowing/{o.id}").status_code == 200
