"""Browser fixtures: the real app under a real HTTP server, a real SMTP server, and Debian's
Chromium driven by Playwright (never a downloaded browser; the machine has no outside network).

The live app has its own database (an SQLite file, or a fresh PostgreSQL database when
FORUM_TEST_DATABASE_URL is set) and its own search index, with CSRF on, rate limits off and
the outbox worker applying email and search work in the background, as the demo runs.
Each flow runs twice: with JavaScript enabled and disabled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import scratch_database

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    Mailbox,
    RecordServerErrors,
    free_port,
    new_context,
    sign_in,
    watch,
)

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before `-m` selects, so `-m browser` / `-m "not browser"` work
def pytest_collection_modifyitems(config, items):
    """Everything in this folder is a browser test."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from aiosmtpd.controller import Controller
    from werkzeug.serving import make_server

    from forum import create_app, outbox, worker
    from forum.community.seed import seed_reference_data
    from forum.extensions import db

    tmp = tmp_path_factory.mktemp("browser")
    mailbox = Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with scratch_database(tmp / "browser.db", prefix="forum_browser") as database_url:
        app = create_app({
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_DIR": str(tmp / "search_index"),
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_port,
            "PREMODERATE_FIRST_POSTS": 0,
            # Notification email goes at once, not after a batch window, so the outbox
            # empties (wait_for_outbox) as soon as the worker has caught up.
            "NOTIFY_BATCH_SECONDS": 0,
            # The in-process worker is started below, not by create_app, so that it can be
            # stopped when the session ends (create_app keeps no handle on it).
            "INPROCESS_WORKER": False,
        })
        with app.app_context():
            db.create_all()
            seed_reference_data()
        errors: list[str] = []
        app.wsgi_app = RecordServerErrors(app.wsgi_app, errors)  # type: ignore[method-assign]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base_url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = base_url
        serving = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        serving.start()
        stop_worker = worker.start(app)
        try:
            yield LiveServer(url=base_url, app=app, mailbox=mailbox, server_errors=errors)
        finally:
            stop_worker.set()
            outbox.wake.set()
            server.shutdown()
            serving.join(timeout=10)
            controller.stop()
            time.sleep(0.3)  # let the worker leave its last pass before the database goes
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(autouse=True)
def _no_server_errors(request) -> Iterator[None]:
    """Any 5xx answered while a browser test ran fails that test."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server: LiveServer = request.getfixturevalue("live_server")
    before = len(server.server_errors)
    yield
    assert server.server_errors[before:] == []


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium "
                    "chromium-driver) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request) -> bool:
    """Each flow runs with JavaScript enabled and disabled."""
    return request.param


@pytest.fixture
def context(browser, live_server, js) -> Iterator[Any]:
    context = new_context(browser, live_server, js=js)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator[Any]:
    page = context.new_page()
    problems = watch(page)
    yield page
    assert problems.errors == []


# --- a small community to look at -----------------------------------------------------------

@dataclass
class Sample:
    """Members, a board, and a discussion with a reply chain deeper than the indentation cap."""

    author: dict
    reader: dict
    moderator: dict
    applicant: dict
    board_slug: str
    alliance_slug: str
    profession_slug: str
    thread_id: int
    opening_id: int
    reply_ids: list[int]
    held_thread_id: int | None = None  # the author's discussion waiting for a moderator
    long_thread_id: int = 0  # more top-level replies than a page holds, and one deep branch
    branch_id: int = 0  # the top-level reply whose branch has a page of its own
    organiser: dict = field(default_factory=dict)  # an admin, for the Organiser pages
    event_id: int = 0  # a public webinar the reader has a place at (guests allowed)
    full_event_id: int = 0  # a full face-to-face workshop with the reader on the waiting list
    guest_tokens: dict = field(default_factory=dict)  # a guest's "confirm" and "cancel" links
    past_event_id: int = 0  # a webinar that has happened: the reader attended, feedback is open
    cpd: dict = field(default_factory=dict)  # the reader's CPD entry, reflection, certificate code
    # A sent newsletter (archive number 1), a draft, and a subscriber's confirm and unsubscribe links.
    newsletter: dict = field(default_factory=dict)
    # Resources (a public guide, a members-only document, the reader's suggestion) and shadowing
    # (the author's offer, the reader's accepted interest in it): their ids.
    community: dict = field(default_factory=dict)


LONG_BODY = """Hello all. We started a **lymphoedema** clinic in our practice last spring.

A link that is very long and must wrap on a phone:
https://www.example.org/a/very/long/path/that/goes/on/and/on/without/any/spaces/at/all/index.html?query=averyveryverylongvalue

Averyveryverylongwordwithoutanyspacesthatwouldpushthepagesidewaysonaphonescreenifitdidnotwrap.

```
a_code_line_that_is_much_longer_than_a_phone_screen_is_wide = compute(with_many, arguments, that, go, on)
```

| Week | Patients seen | Waiting time in days |
| --- | --- | --- |
| 1 | 12 | 14 |
| 2 | 15 | 12 |

> Quoting the team: measure first, then change one thing at a time.

- referral form
- compression garments
"""


@pytest.fixture(scope="session")
def sample(live_server) -> Sample:
    import factories
    from sqlalchemy import select

    from forum.discussions.models import Post
    from forum.members.models import Role, Status, User

    def person(**kw):
        user = factories.member(**kw)
        return {"id": user.id, "email": user.email, "display_name": user.display_name,
                "password": factories.PASSWORD}

    with live_server.db() as db:
        author = person(email="sample.author@nhs.net", display_name="Aisha Khan",
                        organisation="Holloway Road Surgery")
        reader = person(email="sample.reader@nhs.net", display_name="Ben Osei",
                        profession_slug="physiotherapist", alliance_slug="south-east-london",
                        organisation="Guy's and St Thomas' NHS Foundation Trust")
        moderator = person(email="sample.moderator@nhs.net", display_name="Maria Lopez",
                           role=Role.MODERATOR)
        organiser = person(email="sample.organiser@nhs.net", display_name="Ruth Adeyemi",
                           role=Role.ADMIN)
        applicant = person(email="sample.applicant@charity.example", display_name="Chris Doe",
                           status=Status.PENDING, profession_slug="patient-partner",
                           organisation="A cancer charity")
        author_user = db.session.get(User, author["id"])
        reader_user = db.session.get(User, reader["id"])
        thread = factories.thread(
            author_user, board=factories.board("rehab-and-lymphoedema"),
            title="Running a lymphoedema clinic in primary care", body=LONG_BODY,
            alliance=factories.alliance("north-central-london"),
            professions=[factories.profession("general-practice-nurse"),
                         factories.profession("physiotherapist")])
        opening_id = db.session.scalar(
            select(Post.id).where(Post.thread_id == thread.id, Post.is_opening))
        parent = None
        reply_ids = []
        for depth in range(6):
            who = reader_user if depth % 2 == 0 else author_user
            post = factories.reply(who, thread, reply_to=parent,
                                   body=f"Reply at depth {depth + 1}: we did the same, and "
                                        f"it helped to agree the referral form first.")
            reply_ids.append(post.id)
            parent = post
        thread_id = thread.id
        _moderation_examples(db, moderator["id"], author["id"], reply_ids)
        held_thread_id = _held_example(author_user)
        long_thread_id, branch_id = _long_thread(author_user, reader_user)
        _organiser_examples(db, organiser["id"])
        event_id, full_event_id, guest_tokens = _event_examples(db, organiser["id"], reader["id"],
                                                                author["id"])
        past_event_id = _past_event_example(db, organiser["id"], reader["id"], author["id"])
        cpd = _cpd_examples(db, organiser["id"], reader["id"])
        newsletter = _newsletter_examples(live_server, db, organiser["id"])
        community = _community_examples(db, organiser["id"], author["id"], reader["id"])
    live_server.wait_for_outbox()
    return Sample(author=author, reader=reader, moderator=moderator, applicant=applicant,
                  board_slug="rehab-and-lymphoedema", alliance_slug="north-central-london",
                  profession_slug="general-practice-nurse", thread_id=thread_id,
                  opening_id=opening_id, reply_ids=reply_ids, held_thread_id=held_thread_id,
                  long_thread_id=long_thread_id, branch_id=branch_id, organiser=organiser,
                  event_id=event_id, full_event_id=full_event_id, guest_tokens=guest_tokens,
                  past_event_id=past_event_id, cpd=cpd, newsletter=newsletter,
                  community=community)


def _held_example(author) -> int:
    """A discussion of the author's held for a patient-data check, with a held reply."""
    import factories

    from forum.discussions.services import reply_to_thread, start_thread

    thread = start_thread(author, board=factories.board("rehab-and-lymphoedema"),
                          title="Zinc paste bandaging at home", body="Who supplies zinc paste?",
                          hold="possible patient data")
    reply_to_thread(author, thread, body="Our zinc paste came from the community team.",
                    hold="possible patient data")
    return thread.id


def _long_thread(author, reader) -> tuple[int, int]:
    """A discussion two pages long whose first reply has a branch longer than a page shows."""
    import factories

    from forum.discussions import paging

    thread = factories.thread(author, board=factories.board("dementia-and-delirium"),
                              title="Delirium screening at home: a long discussion")
    first = factories.reply(reader, thread, body="Top-level reply 1 on delirium screening.")
    parent = first
    for n in range(paging.BRANCH_SHOWN + 2):
        parent = factories.reply(author if n % 2 else reader, thread, reply_to=parent,
                                 body=f"Branch reply {n + 1}: we use the 4AT as well.")
    for n in range(2, 52):
        factories.reply(author if n % 2 else reader, thread,
                        body=f"Top-level reply {n} on delirium screening.")
    return thread.id, first.id


def _organiser_examples(db, organiser_id: int) -> None:
    """An edited page, so the page history and the organiser log have something to show."""
    from forum.members.models import User
    from forum.pages import services as pages
    from forum.pages.queries import page_by_slug

    contact = page_by_slug("contact")
    pages.edit_page(db.session.get(User, organiser_id), contact, title=contact.title,
                    body=contact.body_source + "\n\nWe read every message.",
                    reason="Said we read every message")


def _newsletter_examples(live_server, db, organiser_id: int) -> dict:
    """One subscriber waiting to confirm, one confirmed; an issue sent to them, and a draft."""
    try:
        from forum.newsletter import issues, queries, subscribers
    except ModuleNotFoundError:
        return {}
    from forum.members.models import User

    organiser = db.session.get(User, organiser_id)
    subscribers.sign_up(email="sample.waiting@example.org", name="Wai Ting", agreed=True)
    subscribers.sign_up(email="sample.subscriber@example.org", name="Sam Reader", agreed=True)
    confirmed = subscribers.find("sample.subscriber@example.org")
    subscribers.confirm(confirmed)
    with live_server.app.test_request_context():
        refs = [c.ref for group in queries.candidates(organiser).values() for c in group][:3]
        sent = issues.save_issue(organiser, None, subject="Sample newsletter", refs=refs,
                                 intro="Hello **everyone**.\n\n- a list\n- of news")
        issues.send_now(organiser, sent)  # the worker sends it: archive number 1
        draft = issues.save_issue(organiser, None, subject="Next month's newsletter", refs=refs,
                                  intro="A draft introduction.")
    return {"sent_id": sent.id, "number": 1, "draft_id": draft.id,
            "confirm": subscribers.confirm_token(subscribers.find("sample.waiting@example.org")),
            "unsubscribe": subscribers.unsubscribe_token(confirmed)}
def _community_examples(db, organiser_id: int, author_id: int, reader_id: int) -> dict:
    """A public guide, a members-only document, the reader's suggestion; the author's
    shadowing offer with the reader's interest in it, accepted."""
    from forum.members.models import User
    from forum.resources.models import ResourceKind
    from forum.shadowing import services as shadowing
    from tests.resources.helpers import resource
    from tests.shadowing.helpers import offer

    organiser, author, reader = (db.session.get(User, i) for i in (organiser_id, author_id, reader_id))
    guide = resource(organiser, kind=ResourceKind.GUIDE, title="Spotting early lymphoedema",
                     description="What to look for and measure.")
    document = resource(organiser, kind=ResourceKind.DOCUMENT, title="Delirium webinar slides",
                        is_public=False)
    suggestion = resource(reader, title="The 4AT delirium test", url="https://www.the4at.com/")
    posted = offer(author, title="Community lymphoedema clinic, Islington",
                   contact_details="Clinic reception 020 7946 0123")
    interest = shadowing.express_interest(reader, posted, message="I would love to come.")
    shadowing.accept_interest(author, interest)
    return {"guide_id": guide.id, "document_id": document.id, "suggestion_id": suggestion.id,
            "offer_id": posted.id, "interest_id": interest.id}


def _event_examples(db, organiser_id: int, reader_id: int, author_id: int) -> tuple[int, int, dict]:
    """A webinar the reader has a place at, a full workshop they wait for, and a guest's links."""
    try:
        from tests.events.conftest import make_event
    except ModuleNotFoundError:
        return 0, 0, {}
    from forum.auth import tokens
    from forum.events import emails, signups
    from forum.events.models import Kind
    from forum.members.models import User

    organiser, reader = db.session.get(User, organiser_id), db.session.get(User, reader_id)
    webinar = make_event(organiser, title="Fatigue after cancer: a lunchtime webinar",
                         allow_guests=True, questions="Access needs", speakers="Dr Funmi Bello")
    signups.sign_up(reader, webinar, answers={"Access needs": "Captions, please"})
    workshop = make_event(organiser, title="Starting a QI project: a workshop", capacity=1,
                          kind=Kind.FACE_TO_FACE, venue="Room 2, 1 Example Road, London N19",
                          accessibility="Step-free access", joining_link="")
    signups.sign_up(db.session.get(User, author_id), workshop)
    signups.sign_up(reader, workshop)
    unconfirmed = signups.sign_up_guest(webinar, name="Gita Guest", email="gita@example.org",
                                        profession="Dietitian", organisation="A hospice")
    confirm = tokens.make(signups.GUEST_SALT, {"id": unconfirmed.id,
                                               "e": tokens.fingerprint("gita@example.org")})
    placed = signups.sign_up_guest(webinar, name="Gus Guest", email="gus@example.org",
                                   profession="Pharmacist", organisation="A pharmacy")
    signups.verify_guest(tokens.make(signups.GUEST_SALT, {"id": placed.id,
                                                          "e": tokens.fingerprint("gus@example.org")}))
    from forum.events.seed import seed_past_events

    seed_past_events()  # the community's 2023, for the yearly report's page
    return webinar.id, workshop.id, {"confirm": confirm, "cancel": emails.guest_cancel_token(placed)}


def _past_event_example(db, organiser_id: int, reader_id: int, author_id: int) -> int:
    """A webinar that has happened: the reader attended (ticked) and may give feedback; the
    author gave theirs; it has outcomes, a recording and slides."""
    try:
        from forum.events import attendance, feedback, outcomes
    except ImportError:
        return 0
    from datetime import timedelta

    from sqlalchemy import select

    from forum.db import utcnow
    from forum.events import signups
    from forum.events.models import Signup
    from forum.members.models import User
    from tests.events.conftest import make_event, move_start

    organiser = db.session.get(User, organiser_id)
    event = make_event(organiser, title="Delirium in people living with cancer: a webinar")
    for user_id in (reader_id, author_id):
        signups.sign_up(db.session.get(User, user_id), event)
    move_start(event, utcnow() - timedelta(days=2))
    attendance.record_checklist(organiser, event, set(db.session.scalars(
        select(Signup.id).where(Signup.event_id == event.id))))
    attendance.add_walk_in(organiser, event, name="Bola Adebayo", email="bola@example.org",
                           profession="Community matron", organisation="Whittington Health")
    outcomes.save_outcomes(organiser, event, chosen=["Start of QI ideas"], others="4AT cards",
                           recording_url="https://video.example/r", slides_url="")
    feedback.set_feedback_open(organiser, event, True)
    feedback.give_feedback(db.session.get(User, author_id), event, rating=4,
                           learnt="The 4AT takes two minutes.", change="Use it on home visits.",
                           comments="More case studies, please.")
    return event.id
def _cpd_examples(db, organiser_id: int, reader_id: int) -> dict:
    """The reader's CPD record: an event attended (so a certificate), a reflection."""
    try:
        from forum.cpd import feed
    except ModuleNotFoundError:
        return {}
    from datetime import timedelta

    from forum.cpd import certificates, reflections
    from forum.db import utcnow
    from forum.events.models import Attendance
    from forum.members.models import User
    from tests.events.conftest import make_event, move_start

    organiser, reader = db.session.get(User, organiser_id), db.session.get(User, reader_id)
    event = make_event(organiser, title="Webinar: prehabilitation before cancer treatment")
    move_start(event, (utcnow() - timedelta(days=40)).replace(microsecond=0))
    db.session.add(Attendance(event_id=event.id, email=reader.email, name=reader.display_name))
    db.session.flush()
    entry = feed.record_attended(event.id, reader.id)
    db.session.commit()
    certificate = certificates.issue_certificate(reader, event.id)
    reflection = reflections.save_reflection(reader, reflections.ReflectionInput(
        entry_id=entry.id, nature="A webinar on prehabilitation.", learned="", changed="",
        code_theme="", code_relevance="", is_draft=True))
    from forum.cpd import hcpc, queries
    gap = queries.hcpc_gaps(reader)[3][0]  # from two years ago to the webinar
    hcpc.save_profile(reader, summary="Band 6 dietitian in an acute trust.",
                      statement="The prehabilitation webinar changed how I plan diet before surgery.")
    return {"entry_id": entry.id, "reflection_id": reflection.id, "code": certificate.code,
            "gap_start": gap.start.isoformat()}


def _moderation_examples(db, moderator_id: int, reporter_id: int, reply_ids: list[int]) -> None:
    """A reported post (so the queue has an entry) and a hidden one, once moderation exists."""
    try:
        from forum.moderation import services as moderation
    except ModuleNotFoundError:
        return
    from forum.discussions.models import Post
    from forum.members.models import User

    moderator, reporter = db.session.get(User, moderator_id), db.session.get(User, reporter_id)
    moderation.report_post(reporter, db.session.get(Post, reply_ids[2]), reason="unsafe",
                           detail="This dose looks wrong to me.")
    moderation.hide_post(moderator, db.session.get(Post, reply_ids[4]),
                         reason="Shared a phone number by mistake.")


@pytest.fixture(scope="session")
def signed_in(browser, live_server, sample) -> dict[str, Any]:
    """Storage states (cookies) of the sample's author, reader and moderator, signed in once."""
    states: dict[str, Any] = {"visitor": None}
    for role in ("author", "reader", "moderator", "organiser"):
        context = new_context(browser, live_server)
        page = context.new_page()
        sign_in(page, live_server, getattr(sample, role)["email"])
        states[role] = context.storage_state()
        context.close()
    return states
