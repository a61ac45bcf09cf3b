"""The demo's QI write-ups: four published projects with data, cycles, teams and a replica."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.demo import seed_demo
from forum.qi.models import DataPoint, PdsaCycle, TeamMember, WriteUp


def test_demo_has_four_published_write_ups_with_a_replica(db, client):
    seed_demo()
    writeups = db.session.scalars(select(WriteUp).order_by(WriteUp.id)).all()
    assert len(writeups) == 4 and all(w.is_published and w.thread_id for w in writeups)
    replica = next(w for w in writeups if w.replicated_from_id)
    original = db.session.get(WriteUp, replica.replicated_from_id)
    assert original.replica_count == 1 and original.alliance_id != replica.alliance_id
    assert db.session.scalar(select(func.count()).select_from(DataPoint)) >= 60
    assert db.session.scalar(select(func.count()).select_from(PdsaCycle)
                             .where(PdsaCycle.rebase.is_(True))) >= 1
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) >= 10


def test_demo_write_ups_render(db, client):
    from tests import factories as f

    seed_demo()
    f.sign_in(client, f.member())
    assert client.get("/qi/").text.count('class="result-list__item qi-list__item"') == 4
    for writeup_id in db.session.scalars(select(WriteUp.id)):
        assert client.get(f"/qi/{writeup_id}").status_code == 200
