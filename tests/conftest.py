"""Fixtures: a real database (SQLite file, or PostgreSQL when FORUM_TEST_DATABASE_URL is set),
a real Whoosh index on disk, a real SMTP server, and helpers that sign people in."""

from __future__ import annotations

import os
import re
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from forum import create_app
from forum.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@contextmanager
def scratch_database(sqlite_path: Path, prefix: str = "forum_test") -> Iterator[str]:
    """A database of this run's kind: an SQLite file, or a new PostgreSQL database on the
    server FORUM_TEST_DATABASE_URL names, dropped afterwards."""
    base = os.environ.get("FORUM_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{sqlite_path}"
        return
    from forum.config import database_url as normalise

    url = make_url(normalise(base))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db") / "forum.db") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_DIR": str(tmp_path_factory.mktemp("search_index")),
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "forum.test",
        "BASE_URL": "http://forum.test",
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1,  # a test that sends mail starts smtp_server, which sets the real port
        "PREMODERATE_FIRST_POSTS": 0,
    })
    with app.app_context():
        _db.create_all()

    # The `db` fixture holds one app context for a whole test, so every request in it shares
    # `g`; Flask-Login keeps the signed-in user there. Start each request as production does,
    # with the user loaded from that request's own cookies (two clients, or sign_in() after a
    # request, would otherwise see the previous request's user).
    from flask import g, request_started

    def _fresh_login_state(sender, **extra) -> None:
        g.pop("_login_user", None)

    request_started.connect(_fresh_login_state, app, weak=False)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


# Tables written since the database was last made clean, seen in every statement any engine
# in this process sends (the test app's, a fresh rate-limited app's, a CLI command's). Emptying
# only these, and seeding again only when the reference data was touched, is most of the time
# the PostgreSQL pass saves: TRUNCATE of every table and a fresh seed cost more than most tests.
_WRITE = re.compile(r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
                    re.IGNORECASE)
_written: set[str] = set()
_reference: set[str] = set()  # the tables seed_reference_data writes, once seeded
_seeded: list[bool] = [False]
_resetting: list[bool] = [False]


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    start = statement.lstrip()[:8].upper()
    if start[:1] in "IUDW":  # INSERT, UPDATE, DELETE, WITH ...
        _written.update(_WRITE.findall(statement))
    if not _resetting[0] and start in ("TRUNCATE", "CREATE T", "DROP TAB", "ALTER TA"):
        _seeded[0] = False  # schema or bulk changes outside the reset: start again in full


def _another_process(event: str, args: tuple) -> None:
    """A child process (a CLI command, an outbox or indexer worker) writes where the listener
    above cannot see: the next test starts from a full reset."""
    if event == "subprocess.Popen":
        _seeded[0] = False


sys.addaudithook(_another_process)


def _empty_tables(names: set[str] | None = None) -> None:
    """Empty every table (TRUNCATE on PostgreSQL), or only the named ones (DELETE, children
    first: TRUNCATE of a few tables would CASCADE into the boards, which point at threads),
    restarting their ids at 1 either way."""
    tables = [t for t in reversed(_db.metadata.sorted_tables) if names is None or t.name in names]
    if not tables:
        return
    postgresql = _db.engine.dialect.name == "postgresql"
    _resetting[0] = True
    try:
        if postgresql and names is None:
            listed = ", ".join(f'"{t.name}"' for t in tables)
            _db.session.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
        elif postgresql:
            for table in tables:
                _db.session.execute(table.delete())
                if "id" in table.c:
                    _db.session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), 1, false)"))
        else:
            _db.session.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                _db.session.execute(table.delete())
            _db.session.execute(text("PRAGMA foreign_keys=ON"))
        _db.session.commit()
    finally:
        _resetting[0] = False


def _clean_database() -> None:
    """Only the reference data left, as if every table had been emptied and seeded again."""
    from forum.community.seed import seed_reference_data

    dirty = _written & {t.name for t in _db.metadata.sorted_tables}
    if _seeded[0] and not dirty & _reference and not os.environ.get("FORUM_TEST_FULL_RESET"):
        _empty_tables(dirty)
        _written.clear()
        return
    _empty_tables()
    _written.clear()
    seed_reference_data()
    _reference.clear()
    _reference.update(_written)
    _written.clear()
    _seeded[0] = True


@pytest.fixture
def db(app):
    """A clean database with the reference data (alliances, professions, boards)."""
    with app.app_context():
        _clean_database()
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@contextmanager
def rate_limited_app(app, database_url: str, tmp_path: Path, **config) -> Iterator:
    """A fresh app with rate limiting on (the shared test app has it off), on this run's
    database; `config` sets its limits."""
    fresh = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_DIR": str(tmp_path / "search"), "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True, "SERVER_NAME": "forum.test", "BASE_URL": "http://forum.test",
        "MAIL_BACKEND": "console", **config,
    })
    try:
        yield fresh
    finally:
        # The limiter is one object shared by every app: give the test app back its own settings.
        from forum.extensions import limiter

        limiter.init_app(app)
        with fresh.app_context():
            _db.engine.dispose()


class AuthActions:
    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str, password: str = "correct horse battery staple", *, follow=False):
        return self._client.post(
            "/login", data={"email": email, "password": password}, follow_redirects=follow
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...; q.count` counts SQL statements sent."""

    @contextmanager
    def counter():
        result = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            result.statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield result
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Messages received by the in-process SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on a free port; the app sends its mail there."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = port
    try:
        yield mailbox
    finally:
        app.config["SMTP_PORT"] = old
        controller.stop()


def send_outbox(app) -> int:
    """Apply every pending outbox row now (the worker's job), as the tests' stand-in clock."""
    from forum import outbox

    with app.app_context():
        return sum(outbox.process_all(topic) for topic in outbox.topics())


@pytest.fixture
def deliver(app):
    return lambda: send_outbox(app)


# --- figures the browser tests measured, printed at the end ---------------------------------
# Here, not in tests/browser/conftest.py: under pytest-xdist only this file is loaded by the
# controller, which gathers each worker's figures.

def pytest_sessionfinish(session) -> None:
    from tests.markers import FIGURES

    if hasattr(session.config, "workeroutput"):  # an xdist worker: hand them over
        session.config.workeroutput["browser_figures"] = list(FIGURES)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_testnodedown(node, error) -> None:
    from tests.markers import FIGURES

    FIGURES.extend(getattr(node, "workeroutput", {}).get("browser_figures", []))


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.markers import FIGURES

    if FIGURES:
        terminalreporter.section("browser figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


# A test that asks for no database at all (a pure function: charts, series, Markdown limits,
# file types, password rules) gives the same result on either database, so the PostgreSQL pass
# leaves it to the SQLite pass, as same_on_every_database does. A module that makes its own app,
# engine or database is left alone.
_OWN_DATABASE = ("FORUM_TEST_DATABASE_URL", "scratch_database", "create_engine", "create_app")


def pytest_collection_modifyitems(config, items) -> None:
    from tests.markers import same_on_every_database

    if not os.environ.get("FORUM_TEST_DATABASE_URL") or os.environ.get("FORUM_BROWSER_ALL"):
        return
    own: dict[Path, bool] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "database_url" in names or "live_server" in names or "browser" in names:
            continue
        if item.path not in own:
            source = item.path.read_text(encoding="utf-8") if item.path.suffix == ".py" else ""
            own[item.path] = any(word in source for word in _OWN_DATABASE)
        if not own[item.path]:
            item.add_marker(same_on_every_database)
