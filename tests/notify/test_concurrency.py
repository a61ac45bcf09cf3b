"""A member's email settings row is made once even when two requests make it at once
(PostgreSQL: SQLite has one writer at a time, so the race cannot happen there)."""

import os
import threading

import pytest
from sqlalchemy import func, select

from forum.extensions import db as _db
from forum.members.models import User
from forum.notify import preferences
from forum.notify.models import EmailSettings
from tests import factories

pytestmark = pytest.mark.skipif(not os.environ.get("FORUM_TEST_DATABASE_URL"),
                                reason="concurrent writers: PostgreSQL (SQLite has one writer at a time)")


def test_two_first_unsubscribe_links_at_once_share_one_settings_row(app, db):
    people = [factories.member() for _ in range(5)]
    for person in people:
        barrier = threading.Barrier(2)
        tokens: list[object] = []

        def job(user_id: int = person.id, barrier=barrier, tokens=tokens) -> None:
            with app.app_context():
                try:
                    user = _db.session.get(User, user_id)
                    barrier.wait()
                    tokens.append(preferences.unsubscribe_token(user, "replies"))
                    _db.session.commit()
                except Exception as error:  # reported by the assertion below
                    tokens.append(error)
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=job) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(tokens) == 2 and tokens[0] == tokens[1], tokens
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EmailSettings)) == len(people)
