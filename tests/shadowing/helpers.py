"""Shadowing offers made through the services."""

from __future__ import annotations

from datetime import timedelta

from forum.shadowing import services
from forum.shadowing.models import OfferKind, ShadowingOffer


def offer(author, *, kind: OfferKind = OfferKind.OFFER, title: str = "Lymphoedema clinic, "
          "Lewisham, Tuesdays", places: int = 2, days: int = 30, **kw) -> ShadowingOffer:
    today = services.london_today()
    kw.setdefault("what_you_see", "Measuring, compression garments, the MDT.")
    kw.setdefault("availability", "Tuesday mornings")
    return services.create_offer(author, services.OfferInput(
        kind=kind, title=title, places=places, expires_on=today + timedelta(days=days), **kw),
        today=today)
