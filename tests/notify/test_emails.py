"""The emails each preference sends, through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from forum.extensions import db as _db
from forum.members.models import Status
from forum.moderation import services as moderation
from forum.notify import preferences
from forum.notify.models import EmailSettings, Notification, OutboxMessage
from tests import factories as f


def pass_batch_window() -> None:
    """Time passes: every email batch waiting for its window is due now."""
    _db.session.execute(update(OutboxMessage).where(OutboxMessage.topic == "notify_email")
                        .values(next_attempt_at=None))
    _db.session.commit()


def settle(deliver) -> None:
    """Run the worker until nothing is due (fan-out writes batches, batches write email)."""
    while deliver():
        pass


def set_mode(user, **modes) -> None:
    preferences.update_preferences(user, modes=modes, weekly_day=0, weekly_hour=8)


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


@pytest.fixture
def thread_with_author(db):
    author = f.member(display_name="Amara Okafor", email="amara@nhs.net")
    return author, f.thread(author, title="Lymphoedema referral criteria")


def test_immediately_batches_replies_within_the_window_into_one_email(
        thread_with_author, smtp_server, deliver):
    _, thread = thread_with_author
    f.reply(f.member(display_name="Rosa Diaz"), thread, body="We refer at **stage 2**.")
    settle(deliver)
    assert smtp_server.messages == []  # the window is still open
    f.reply(f.member(display_name="Tom Hale"), thread, body="Same here.")
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    smtp_server.wait_for(2)
    [message] = smtp_server.to("amara@nhs.net")
    assert message["From"] == "Cancer CoP <no-reply@cancercop.example>"
    assert message["Subject"] == "2 new replies in “Lymphoedema referral criteria”"
    assert message.get_content_type() == "multipart/alternative"
    text = plain(message)
    assert "We refer at stage 2." in text  # the first lines, as plain text
    assert f"http://forum.test/threads/{thread.id}/posts/" in text
    assert "because you follow the discussion" in text
    assert "http://forum.test/notifications/preferences" in text
    assert "<strong>" not in html(message) and "We refer at stage 2." in html(message)
    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://forum\.test/email/unsubscribe/[0-9a-f]{32}\.replies\.[0-9a-f]{32}>",
                        unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_running_the_worker_again_sends_nothing_twice(thread_with_author, smtp_server, deliver):
    _, thread = thread_with_author
    f.reply(f.member(), thread)
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    assert len(smtp_server.wait_for(1)) == 1
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_a_mention_and_a_reply_come_as_one_email_each_kind(thread_with_author, smtp_server,
                                                          deliver):
    _, thread = thread_with_author
    f.reply(f.member(display_name="Rosa Diaz"), thread, body="@Amara Okafor what do you think?")
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    messages = smtp_server.wait_for(1)
    assert [m["Subject"] for m in messages] == [
        "Rosa Diaz mentioned you in “Lymphoedema referral criteria”"]
    assert ".mentions." in messages[0]["List-Unsubscribe"]


def test_never_sends_no_email_but_keeps_the_notification(thread_with_author, smtp_server, deliver):
    author, thread = thread_with_author
    set_mode(author, replies="never")
    f.reply(f.member(), thread)
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    assert smtp_server.wait_for(1, timeout=0.5) == []
    assert _db.session.scalar(select(Notification).where(Notification.user_id == author.id))


def test_a_post_hidden_before_the_batch_goes_is_left_out(thread_with_author, smtp_server, deliver):
    _, thread = thread_with_author
    post = f.reply(f.member(), thread, body="Mrs Smith's notes say ...")
    settle(deliver)
    moderation.hide_post(f.moderator(), post, reason="Patient details")
    pass_batch_window()
    settle(deliver)
    assert smtp_server.to("amara@nhs.net") == []


def test_a_suspended_member_mentioned_gets_nothing(db, smtp_server, deliver):
    suspended = f.member(display_name="Sam Brook", status=Status.SUSPENDED)
    f.thread(f.member(), body="Have you seen this, @Sam Brook?")
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    assert smtp_server.to(suspended.email) == []
    assert _db.session.scalar(select(Notification).where(
        Notification.user_id == suspended.id)) is None


def test_a_moderators_action_is_emailed_with_the_footer(thread_with_author, smtp_server, deliver):
    author, thread = thread_with_author
    post = f.reply(author, thread, body="Something a moderator will hide")
    moderation.hide_post(f.moderator(), post, reason="Off topic")
    settle(deliver)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "A moderator hid your post on Cancer CoP"
    assert "Off topic" in plain(message)
    assert "because a moderator acted on something you wrote" in plain(message)
    assert ".moderation." in message["List-Unsubscribe"]


def test_moderation_email_can_be_turned_off(thread_with_author, smtp_server, deliver):
    author, thread = thread_with_author
    set_mode(author, moderation="never")
    post = f.reply(author, thread, body="Something a moderator will hide")
    moderation.hide_post(f.moderator(), post, reason="Off topic")
    settle(deliver)
    assert smtp_server.wait_for(1, timeout=0.5) == []


# --- one-click unsubscribe ------------------------------------------------------------------

def _unsubscribe_path(message) -> str:
    return message["List-Unsubscribe"].strip("<>").removeprefix("http://forum.test")


def _one_email(thread, smtp_server, deliver):
    f.reply(f.member(), thread)
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    [message] = smtp_server.wait_for(1)
    return message


def test_one_click_unsubscribe_needs_no_session(app, thread_with_author, smtp_server, deliver):
    author, thread = thread_with_author
    path = _unsubscribe_path(_one_email(thread, smtp_server, deliver))
    client = app.test_client()  # no cookies at all
    page = client.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    assert preferences.settings_for([author.id])[author.id].replies == "immediately"
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    _db.session.expire_all()
    settings = _db.session.get(EmailSettings, author.id)
    assert settings.replies == "never" and settings.mentions == "immediately"


def test_an_altered_unsubscribe_link_changes_nothing(app, thread_with_author, smtp_server, deliver):
    author, thread = thread_with_author
    path = _unsubscribe_path(_one_email(thread, smtp_server, deliver))
    forged = path.replace(".replies.", ".mentions.")
    assert app.test_client().post(forged).status_code == 404
    assert app.test_client().post("/email/unsubscribe/nonsense").status_code == 404
    _db.session.expire_all()
    assert _db.session.get(EmailSettings, author.id).mentions == "immediately"


def test_unsubscribe_is_the_only_post_without_a_csrf_token(database_url, tmp_path, db,
                                                          thread_with_author):
    from forum import create_app

    author, _ = thread_with_author
    token = preferences.unsubscribe_token(author, "replies")
    _db.session.commit()
    strict = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                         "SQLALCHEMY_DATABASE_URI": database_url,
                         "SEARCH_DIR": str(tmp_path / "s"), "RATELIMIT_ENABLED": False,
                         "SERVER_NAME": "forum.test", "WTF_CSRF_ENABLED": True})
    client = strict.test_client()
    assert client.post(f"/email/unsubscribe/{token}").status_code == 200
    assert client.post("/notifications/preferences/resume").status_code == 400  # CSRF
    with strict.app_context():
        _db.engine.dispose()


# --- bounces ------------------------------------------------------------------------------

@pytest.fixture
def refusing_server(app):
    """An SMTP server that refuses one address for good (550), like a mailbox that is gone."""
    from aiosmtpd.controller import Controller

    from tests.conftest import Mailbox, _free_port

    class Refusing(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "gone@nhs.net":
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    mailbox, port = Refusing(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    old, app.config["SMTP_PORT"] = app.config["SMTP_PORT"], port
    try:
        yield mailbox
    finally:
        app.config["SMTP_PORT"] = old
        controller.stop()


def test_repeated_bounces_stop_notification_email(db, refusing_server, deliver):
    gone = f.member(email="gone@nhs.net")
    for n in range(preferences.BOUNCE_LIMIT + 1):
        thread = f.thread(gone, title=f"Question {n}")
        f.reply(f.member(), thread)
        settle(deliver)
        pass_batch_window()
        settle(deliver)
    _db.session.expire_all()
    settings = _db.session.get(EmailSettings, gone.id)
    assert settings.bounce_count == preferences.BOUNCE_LIMIT  # the fourth was never tried
    assert settings.mail_stopped_at is not None
    pending = _db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.topic == "email", OutboxMessage.processed_at.is_(None)))
    assert pending is None  # none left to retry either


def test_the_bounce_command_counts_and_stops(db, runner):
    member = f.member(email="bouncy@nhs.net")
    for _ in range(preferences.BOUNCE_LIMIT):
        result = runner.invoke(args=["notify", "bounce", "Bouncy@NHS.net"])
    assert "Email to them has stopped." in result.output
    assert preferences.settings_for([member.id])[member.id].mail_stopped_at is not None
    result = runner.invoke(args=["notify", "bounce", "nobody@nhs.net"])
    assert result.exit_code != 0 and "No member has" in result.output


def test_a_member_can_start_email_again_after_bounces(client, db):
    member = f.member()
    for _ in range(preferences.BOUNCE_LIMIT):
        preferences.record_bounce(member.email)
    _db.session.commit()
    f.sign_in(client, member)
    assert "could not be delivered" in client.get("/notifications/preferences").get_data(
        as_text=True)
    client.post("/notifications/preferences/resume")
    assert preferences.settings_for([member.id])[member.id].mail_stopped_at is None
