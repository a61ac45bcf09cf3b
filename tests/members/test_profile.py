"""Profile pages and your own account settings."""

from __future__ import annotations

import pytest

from forum.members.models import Status
from tests import factories

NEW_PASSWORD = "marmalade lantern orbit puzzle"


@pytest.fixture
def signed_in(client, db, auth):
    user = factories.member(display_name="Amara Okafor", organisation="Hackney Nursing")
    auth.login(user.email)
    client.user = user
    return client


def test_profile_shows_who_they_are(signed_in, db):
    other = factories.member(display_name="Priya Shah", organisation="Guy's and St Thomas'",
                             profession_slug="dietitian", alliance_slug="south-east-london",
                             bio="Dietitian in oncology.\n\nInterested in prehab.")
    page = signed_in.get(f"/members/{other.id}").data.decode()
    assert '<h1 id="profile-name"><bdi>Priya Shah</bdi></h1>' in page
    assert 'href="/professions/dietitian">Dietitian</a>' in page
    assert 'href="/alliances/south-east-london">South East London</a>' in page
    assert "Guy&#39;s and St Thomas&#39;" in page
    assert "<p>Interested in prehab.</p>" in page
    assert 'id="profile-joined"' in page
    assert 'id="profile-post-count">0<' in page
    assert "Edit your profile" not in page


def test_profile_lists_recent_posts(signed_in, db):
    author = factories.member(display_name="Priya Shah")
    thread = factories.thread(author, title="Prehab before chemotherapy")
    factories.reply(author, thread, body="Following up with our audit results.")
    page = signed_in.get(f"/members/{author.id}").data.decode()
    assert "Prehab before chemotherapy" in page
    assert "Following up with our audit results." in page
    assert page.count('id="recent-post-') == 2


def test_own_profile_offers_editing(signed_in):
    page = signed_in.get(f"/members/{signed_in.user.id}").data
    assert b'id="edit-profile-link"' in page


def test_profile_is_members_only(client, db):
    user = factories.member()
    response = client.get(f"/members/{user.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_suspended_member_cannot_see_other_profiles_but_sees_their_own(client, db):
    other = factories.member(display_name="Priya Shah", organisation="Guy's and St Thomas'")
    suspended = factories.member(status=Status.SUSPENDED)
    factories.sign_in(client, suspended)
    response = client.get(f"/members/{other.id}")
    assert response.status_code == 403
    assert "Priya Shah" not in response.get_data(as_text=True)
    assert client.get(f"/members/{suspended.id}").status_code == 200


def test_unknown_profile_is_404(signed_in):
    assert signed_in.get("/members/999999").status_code == 404


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED])
def test_people_not_yet_members_are_hidden_from_members_but_not_moderators(
        signed_in, app, db, status):
    person = factories.member(status=status)
    assert signed_in.get(f"/members/{person.id}").status_code == 404
    moderator = factories.moderator()
    other = app.test_client()
    other.post("/login", data={"email": moderator.email, "password": factories.PASSWORD})
    assert other.get(f"/members/{person.id}").status_code == 200


def test_edit_account_updates_the_profile(signed_in, db):
    form = signed_in.get("/account").data.decode()
    assert 'value="Amara Okafor"' in form
    response = signed_in.post("/account", data={
        "display_name": "Amara O.", "profession": str(factories.profession("gp").id),
        "alliance": str(factories.alliance("pan-london-national").id),
        "organisation": "Homerton", "bio": "GP with a special interest.",
    })
    assert response.status_code == 302
    user = signed_in.user
    db.session.refresh(user)
    assert (user.display_name, user.profession.slug, user.alliance.slug, user.organisation,
            user.bio) == ("Amara O.", "gp", "pan-london-national", "Homerton",
                          "GP with a special interest.")
    assert user.notify_replies is False  # unticked


def test_edit_account_bad_input_keeps_what_was_typed(signed_in, db):
    response = signed_in.post("/account", data={
        "display_name": "", "profession": "999999", "alliance": "x\x00",
        "organisation": "Homerton", "bio": "b" * 2001,
    })
    assert response.status_code == 200
    page = response.data.decode()
    for field in ("display_name", "profession", "alliance", "bio"):
        assert f'id="{field}-error"' in page
    assert 'value="Homerton"' in page
    db.session.refresh(signed_in.user)
    assert signed_in.user.display_name == "Amara Okafor"


def test_edit_account_is_members_only(client, db):
    assert client.get("/account").headers["Location"].startswith("/login")
    assert client.post("/account", data={"display_name": "x"}).status_code == 302


def test_change_password_needs_the_current_one(signed_in, db, auth):
    wrong = signed_in.post("/account/password", data={
        "current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert b'id="current_password-error"' in wrong.data
    weak = signed_in.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": "qwertyuiop", "confirm": "qwertyuiop",
    })
    assert b'id="password-error"' in weak.data
    done = signed_in.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert done.status_code == 302
    auth.logout()
    assert auth.login(signed_in.user.email, factories.PASSWORD).status_code == 200
    assert auth.login(signed_in.user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("body", [
    b"display_name=%00%FF&profession=%ED%A0%80&alliance=\xff&bio=\x00\xc3\x28",
    b"current_password=%00&password=%ED%A0%80%00&confirm=\xff",
])
@pytest.mark.parametrize("path", ["/account", "/account/password"])
def test_hostile_bytes_never_500(signed_in, path, body):
    response = signed_in.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_profile_query_count_does_not_grow_with_posts(signed_in, db, count_queries):
    author = factories.member()
    thread = factories.thread(author)
    with count_queries() as one:
        assert signed_in.get(f"/members/{author.id}").status_code == 200
    for n in range(9):
        factories.reply(author, thread, body=f"Reply number {n}")
    with count_queries() as ten:
        page = signed_in.get(f"/members/{author.id}")
    assert page.data.count(b'id="recent-post-') == 10
    assert one.count == ten.count


def test_suspended_member_cannot_change_their_profile(client, db, auth):
    user = factories.member(status=Status.SUSPENDED, display_name="Amara Okafor")
    auth.login(user.email)
    response = client.post("/account", data={
        "display_name": "Spam Link Here", "bio": "spam",
        "profession": str(user.profession_id), "alliance": str(user.alliance_id),
    })
    assert response.status_code == 403
    db.session.refresh(user)
    assert user.display_name == "Amara Okafor"


def test_a_new_password_signs_out_every_other_browser_but_this_one(app, db):
    member = factories.member()
    laptop, phone, kept = app.test_client(), app.test_client(), app.test_client()
    for browser in (laptop, phone, kept):
        assert browser.post("/login", data={"email": member.email, "password": factories.PASSWORD,
                                            "remember": "y"}).status_code == 302
    remember_cookie = kept.get_cookie("remember_token", domain="forum.test")
    assert remember_cookie is not None
    with phone.session_transaction() as session:
        session.clear()  # the phone's session has expired: only its remember-me cookie is left
    assert phone.get("/account").status_code == 200

    changed = laptop.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert laptop.get("/account").status_code == 200, "the browser that changed it stays signed in"
    assert laptop.get_cookie("remember_token", domain="forum.test") is not None, "and stays remembered"
    assert kept.get("/account").status_code == 302, "another browser's session has ended"
    with phone.session_transaction() as session:
        session.clear()
    assert phone.get("/account").status_code == 302, "an old remember-me cookie no longer works"
    assert "/login" in phone.get("/account").headers["Location"]
    with laptop.session_transaction() as session:
        session.clear()
    assert laptop.get("/account").status_code == 200, "the new remember-me cookie works"


def test_the_account_page_has_one_newsletter_control(signed_in, db):
    page = signed_in.get("/account").get_data(as_text=True)
    assert "mailing_list_consent" not in page and 'name="newsletter"' not in page
    assert page.count('action="/newsletter/settings"') == 1  # the newsletter's own box
    assert 'id="newsletter-start"' in page and "Send me the newsletter by email" not in page
