"""Following a thread or a board, and the notifications fan-out makes in the worker."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.community.models import Alliance, Board
from forum.extensions import db as _db
from forum.members.models import Status
from forum.moderation import services as moderation
from forum.notify import follows, queries
from forum.notify.models import Follow, Notification
from tests import factories as f


def _notes(user):
    return list(_db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)))


def test_starting_and_replying_follow_the_thread(db):
    author, replier = f.member(), f.member()
    thread = f.thread(author)
    f.reply(replier, thread)
    assert follows.is_following_thread(author, thread)
    assert follows.is_following_thread(replier, thread)


def test_a_reply_notifies_followers_in_the_worker_not_in_the_request(db, deliver):
    author, replier = f.member(), f.member(display_name="Rosa Diaz")
    thread = f.thread(author, title="Lymphoedema referral criteria")
    f.reply(replier, thread)
    assert _notes(author) == []  # the request only wrote an outbox row
    deliver()
    [note] = _notes(author)
    assert note.text == "Rosa Diaz replied in “Lymphoedema referral criteria”"
    assert note.link.endswith(f"/threads/{thread.id}/posts/{note.post_id}")


def test_replies_in_one_thread_are_grouped_while_unread(db, deliver):
    author = f.member()
    thread = f.thread(author, title="Lymphoedema referral criteria")
    first = f.reply(f.member(), thread)
    f.reply(f.member(), thread)
    f.reply(f.member(), thread)
    deliver()
    [note] = _notes(author)
    assert note.text == "3 new replies in “Lymphoedema referral criteria”"
    assert note.count == 3 and note.post_id == first.id  # links to the first new one


def test_who_stopped_following_hears_nothing_and_replying_does_not_refollow(db, deliver):
    author = f.member()
    thread = f.thread(author)
    follows.follow_thread(author, thread, on=False)
    f.reply(author, thread, body="Adding one more thing")
    f.reply(f.member(), thread)
    deliver()
    assert _notes(author) == []
    assert not follows.is_following_thread(author, thread)


def test_fan_out_rechecks_what_the_follower_can_read(db, deliver):
    author, suspended = f.member(), f.member()
    thread = f.thread(author)
    f.reply(suspended, thread)
    suspended.status = Status.SUSPENDED
    db.session.commit()
    hidden = f.reply(f.member(), thread, body="Something a moderator will hide")
    moderation.hide_post(f.moderator(), hidden, reason="Off topic")
    deliver()
    assert _notes(suspended) == []
    [note] = _notes(author)
    assert note.count == 1  # the hidden reply was hidden before fan-out: not counted


def test_following_a_board_tells_of_new_discussions_there_only(db, deliver):
    follower = f.member()
    follows.follow_discussions(follower, board=f.board("rehab-and-lymphoedema"))
    f.thread(f.member(), board=f.board("clinical-leadership"), title="Elsewhere")
    f.thread(f.member(), board=f.board("rehab-and-lymphoedema"), title="Compression garments")
    deliver()
    [note] = _notes(follower)
    assert note.kind == "new_thread" and "Compression garments" in note.text


def test_a_combination_needs_every_part_to_match(db, deliver):
    """District nurses in South East London: a thread for GPNs there, or for district nurses
    in North Central London, is not one; pan-London threads are for every alliance."""
    follower = f.member()
    se, ncl = f.alliance("south-east-london"), f.alliance("north-central-london")
    dn = f.profession("district-or-community-nurse")
    follows.follow_discussions(follower, alliance=se, profession=dn)
    f.thread(f.member(), alliance=se, professions=[f.profession()], title="GPNs in SE")
    f.thread(f.member(), alliance=ncl, professions=[dn], title="DNs in NCL")
    f.thread(f.member(), alliance=se, professions=[dn], title="DNs in SE")
    f.thread(f.member(), alliance=None, professions=[dn], title="DNs everywhere")
    deliver()
    assert sorted(n.text.split("“")[1].split("”")[0] for n in _notes(follower)) == [
        "DNs everywhere", "DNs in SE"]


def test_follow_buttons_are_posts_that_toggle(client, db):
    member = f.member()
    thread = f.thread(f.member())
    f.sign_in(client, member)
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'id="follow-thread"' in html and ">Follow<" in html
    assert client.get(f"/threads/{thread.id}/follow").status_code == 405
    client.post(f"/threads/{thread.id}/follow", data={"follow": "1"})
    assert follows.is_following_thread(member, thread)
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert ">Stop following<" in html
    client.post(f"/threads/{thread.id}/follow", data={"follow": "0"})
    assert not follows.is_following_thread(member, thread)


def test_a_visitor_sees_no_follow_button_and_cannot_follow(client, db):
    thread = f.thread(f.member(), board=f.board("introductions"))
    assert 'id="follow-thread"' not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert client.post(f"/threads/{thread.id}/follow").status_code == 302  # to sign in
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1  # the author's


def test_the_following_page_adds_and_stops_a_combination(client, db):
    member = f.member()
    f.sign_in(client, member)
    se, dn = f.alliance("south-east-london"), f.profession("district-or-community-nurse")
    response = client.post("/following", data={"board": 0, "alliance": se.id,
                                               "profession": dn.id}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"New discussions for {dn.name} in {se.name}" in html
    [row] = follows.follows_of(member)
    client.post(f"/following/{row.id}/stop")
    assert follows.follows_of(member) == []


def test_following_nothing_in_particular_is_refused_beside_the_field(client, db):
    f.sign_in(client, f.member())
    response = client.post("/following", data={"board": 0, "alliance": 0, "profession": 0})
    assert response.status_code == 400
    assert "Choose a board, an alliance or a profession" in response.get_data(as_text=True)


def test_another_members_follow_cannot_be_stopped(client, db):
    owner = f.member()
    follows.follow_discussions(owner, board=f.board())
    [row] = follows.follows_of(owner)
    f.sign_in(client, f.member())
    assert client.post(f"/following/{row.id}/stop").status_code == 403
    assert follows.follows_of(owner)


def test_the_following_page_costs_the_same_for_1_and_50_rows(client, db, count_queries):
    member = f.member()
    f.sign_in(client, member)
    boards = list(_db.session.scalars(select(Board)))
    alliances = list(_db.session.scalars(select(Alliance)))

    def cost() -> int:
        client.get("/following")
        with count_queries() as q:
            assert client.get("/following").status_code == 200
        return q.count

    f.thread(member)
    one = cost()
    for i in range(49):
        if i % 2:
            f.thread(member)
        else:
            follows.follow_discussions(member, board=boards[i % len(boards)],
                                       alliance=alliances[(i // len(boards)) % len(alliances)])
    assert len(follows.follows_of(member)) == 50
    assert cost() == one


def test_the_notifications_page_costs_the_same_for_1_and_50(client, db, deliver, count_queries):
    author = f.member()
    f.sign_in(client, author)

    def cost() -> int:
        with count_queries() as q:
            assert client.get("/notifications").status_code == 200
        return q.count

    f.reply(f.member(), f.thread(author))
    deliver()
    one = cost()
    for _ in range(49):
        f.reply(f.member(), f.thread(author))
    deliver()
    assert queries.unread_count(author) == 50
    assert cost() == one


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(client, db, deliver):
    author = f.member()
    thread = f.thread(author)
    post = f.reply(f.member(), thread)
    deliver()
    [note] = _notes(author)
    f.sign_in(client, author)
    assert "Notifications (1 new)" in client.get("/notifications").get_data(as_text=True)
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}/posts/{post.id}")
    assert queries.unread_count(author) == 0


def test_someone_elses_notification_is_not_found(client, db, deliver):
    author = f.member()
    f.reply(f.member(), f.thread(author))
    deliver()
    [note] = _notes(author)
    f.sign_in(client, f.member())
    assert client.get(f"/notifications/{note.id}").status_code == 404


@pytest.mark.parametrize("page, field, slug", [
    ("/boards/rehab-and-lymphoedema", "board", "rehab-and-lymphoedema"),
    ("/alliances/south-east-london", "alliance", "south-east-london"),
    ("/professions/district-or-community-nurse", "profession", "district-or-community-nurse"),
])
def test_boards_alliances_and_professions_have_a_follow_button(client, db, page, field, slug):
    member = f.member()
    f.sign_in(client, member)
    what = {"board": f.board, "alliance": f.alliance, "profession": f.profession}[field](slug)
    html = client.get(page).get_data(as_text=True)
    assert f">Follow this {field}<" in html
    data = {"board": 0, "alliance": 0, "profession": 0, field: what.id, "next": page}
    response = client.post("/following", data=data)
    assert response.headers["Location"].endswith(page)
    assert f">Stop following this {field}<" in client.get(page).get_data(as_text=True)
    client.post("/following", data={**data, "follow": "0"})
    assert follows.follows_of(member) == []
