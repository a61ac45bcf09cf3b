"""Co-authors saving a published write-up at once each get a version of their own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from forum.qi import services, team
from forum.qi.models import Revision, WriteUp
from tests import factories
from tests.discussions.test_concurrency import _opener, _post, server  # noqa: F401  (a fixture)

AUTHORS = 6
SAVES_EACH = 3


def test_co_authors_saving_at_once_each_keep_a_numbered_version(server, db):  # noqa: F811
    author = factories.member()
    coauthors = [factories.member() for _ in range(AUTHORS - 1)]
    writeup = services.start_writeup(author, title="Saved at once", summary="S")
    for member in coauthors:
        team.add_team_member(author, writeup, name=member.email, is_coauthor=True)
    services.publish_writeup(author, writeup)
    writeup_id, emails = writeup.id, [m.email for m in (author, *coauthors)]
    db.session.remove()  # the server's threads use their own sessions
    openers = [_opener() for _ in emails]
    for opener, email in zip(openers, emails, strict=True):
        assert _post(opener, f"{server}/login",
                     {"email": email, "password": factories.PASSWORD}) == 200
    start = threading.Barrier(AUTHORS)

    def saves(index: int) -> list[int]:
        start.wait()
        return [_post(openers[index], f"{server}/qi/{writeup_id}/edit/aim",
                      {"aim": f"Aim {index}.{n}: 60% by 2025"}) for n in range(SAVES_EACH)]

    with ThreadPoolExecutor(AUTHORS) as pool:
        statuses = [s for chunk in pool.map(saves, range(AUTHORS)) for s in chunk]
    assert statuses.count(200) == len(statuses), sorted(set(statuses))  # 303, followed
    numbers = list(db.session.scalars(select(Revision.number)
                                      .where(Revision.writeup_id == writeup_id)
                                      .order_by(Revision.number)))
    assert numbers == list(range(1, 2 + AUTHORS * SAVES_EACH))
    assert db.session.get(WriteUp, writeup_id).revision_count == numbers[-1]
