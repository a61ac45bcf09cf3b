"""Test data. Members are made active directly (the sign-up flow has its own tests);
threads and posts go through the discussion services once they exist."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import Role, Status, User

PASSWORD = "correct horse battery staple"
_HASH = generate_password_hash(PASSWORD)  # scrypt is slow on purpose: hash once per run
_n = itertools.count(1)


def board(slug: str = "clinical-leadership") -> Board:
    return db.session.scalars(select(Board).where(Board.slug == slug)).one()


def alliance(slug: str = "north-central-london") -> Alliance:
    return db.session.scalars(select(Alliance).where(Alliance.slug == slug)).one()


def profession(slug: str = "general-practice-nurse") -> Profession:
    return db.session.scalars(select(Profession).where(Profession.slug == slug)).one()


def member(*, email: str | None = None, display_name: str | None = None,
           role: Role = Role.MEMBER, status: Status = Status.ACTIVE,
           profession_slug: str = "general-practice-nurse",
           alliance_slug: str = "north-central-london", organisation: str = "Test Practice",
           **extra) -> User:
    n = next(_n)
    extra.setdefault("email_verified_at", utcnow())  # pass None for someone yet to confirm
    user = User(
        email=email or f"member{n}@nhs.net",
        display_name=display_name or f"Member {n}",
        password_hash=_HASH,
        profession=profession(profession_slug),
        alliance=alliance(alliance_slug),
        organisation=organisation,
        role=role,
        status=status,
        **extra,
    )
    db.session.add(user)
    db.session.commit()
    return user


def moderator(**kw) -> User:
    return member(role=Role.MODERATOR, **kw)


def admin(**kw) -> User:
    return member(role=Role.ADMIN, **kw)


def applicant(**kw) -> User:
    """Someone who confirmed a non-NHS address and waits for a moderator's approval."""
    n = next(_n)
    kw.setdefault("email", f"applicant{n}@example.org")
    kw.setdefault("profession_slug", "patient-partner")
    return member(status=Status.PENDING, **kw)


# --- threads and posts (through the discussion services) ---------------------------------

_t = itertools.count(1)


def thread(author: User, **kw):
    """A thread started through `start_thread`; any keyword overrides a default."""
    from forum.discussions.services import start_thread

    n = next(_t)
    kw.setdefault("board", board())
    kw.setdefault("title", f"Discussion {n} about supportive care")
    kw.setdefault("body", f"Opening post {n}: how do you run your **clinics**?")
    kw.setdefault("alliance", None)
    kw.setdefault("professions", ())
    return start_thread(author, **kw)


def reply(author: User, thread, reply_to=None, body: str = "Thanks, that is useful."):
    """A reply through `reply_to_thread`, to the thread or to one of its posts."""
    from forum.discussions.services import reply_to_thread

    return reply_to_thread(author, thread, body=body, reply_to=reply_to)


def sign_in(client, user: User) -> None:
    """Sign `user` in on the test client: a session on the server, and Flask-Login's keys."""
    from flask import g, has_app_context

    from forum.auth.sessions import start_session

    session_id = start_session(user)
    db.session.commit()
    db.session.refresh(user)  # loaded again, as before the commit, for tests that expunge it
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    if has_app_context():
        # Requests in tests share the fixture's app context, where Flask-Login caches the user.
        g.pop("_login_user", None)
