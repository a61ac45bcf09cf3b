"""Write-ups for the measures and attachments tests, made directly (qi-core's services have
their own tests); measures and data go through forum.qi.measures."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User
from forum.qi import measures as services
from forum.qi.models import Measure, PdsaCycle, TeamMember, WriteUp
from forum.qi.series import Row

_n = itertools.count(1)


def writeup(author: User, *, published: bool = True, coauthors: tuple[User, ...] = (),
            team: tuple[User, ...] = (), **kw) -> WriteUp:
    item = WriteUp(title=kw.pop("title", f"QI project {next(_n)}"), author_id=author.id,
                   published_at=utcnow() if published else None, **kw)
    db.session.add(item)
    db.session.flush()
    for position, user in enumerate((*coauthors, *team)):
        db.session.add(TeamMember(writeup_id=item.id, user_id=user.id, position=position,
                                  is_coauthor=user in coauthors))
    db.session.commit()
    return item


def measure(actor: User, item: WriteUp, *, points: int | list[float] = 0, **kw) -> Measure:
    kw.setdefault("name", "Patients offered a holistic needs assessment")
    made = services.add_measure(actor, item, **kw)
    values = [float(i % 7) for i in range(points)] if isinstance(points, int) else points
    if values:
        start = date(2020, 1, 1)
        services.save_points(actor, made, [
            Row(i + 1, start + timedelta(days=7 * i), "week", v, f"week {i}" if i % 10 == 0 else "")
            for i, v in enumerate(values)])
    return made


def cycle(item: WriteUp, target: Measure, *, started_on: date, rebase: bool = False) -> PdsaCycle:
    made = PdsaCycle(writeup_id=item.id, change_idea="New template", measure_id=target.id,
                     started_on=started_on, rebase=rebase)
    db.session.add(made)
    db.session.commit()
    return made
