"""Display names cannot pretend: no invisible or direction-changing characters, no borrowed
role words, nothing that looks like a moderator's or organiser's name; roles come from the role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.members.models import User
from tests import factories
from tests.auth import conftest as auth_conftest

RLO = "\u202e"
INVISIBLE = {
    "right-to-left override (Cf)": "Tom Gallagher " + RLO + "(rotarédom)",
    "left-to-right isolate (Cf)": "Tom\u2066 Gallagher",
    "zero-width space (Cf)": "Tom\u200bGallagher",
    "zero-width joiner (Cf)": "Tom\u200d Gallagher",
    "soft hyphen (Cf)": "Tom Gal\u00adlagher",
    "arabic letter mark (Cf)": "Tom\u061c Gallagher",
    "tab (Cc)": "Tom\tGallagher",
    "new line (Cc)": "Tom\nGallagher",
    "private use (Co)": "Tom \ue000 Gallagher",
    "unassigned (Cn)": "Tom \u0378 Gallagher",
    "line separator (Zl)": "Tom\u2028Gallagher",
    "paragraph separator (Zp)": "Tom\u2029Gallagher",
    "hangul filler (invisible letter)": "Tom \u3164 Gallagher",
    "variation selector": "Tom\ufe0f Gallagher",
}
INVISIBLE_MESSAGE = "invisible"
STRONG = auth_conftest.STRONG
registration = auth_conftest.registration  # the sign-up tests' form-data fixture


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_registration_refuses_invisible_and_direction_characters_beside_the_field(
        client, db, registration, name):
    response = client.post("/register", data=registration(display_name=name,
                                                          organisation="Homerton"))
    assert response.status_code == 200
    page = response.data.decode()
    assert 'id="display_name-error"' in page
    assert INVISIBLE_MESSAGE in page
    assert 'value="Homerton"' in page, "what was typed is kept"
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.fixture
def signed_in(client, db):
    user = factories.member(display_name="Amara Okafor")
    factories.sign_in(client, user)
    client.user = user
    return client


def _edit(client, name: str):
    return client.post("/account", data={
        "display_name": name, "profession": str(factories.profession("gp").id),
        "alliance": str(factories.alliance("pan-london-national").id), "organisation": "Homerton"})


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_profile_edit_refuses_invisible_and_direction_characters(signed_in, db, name):
    response = _edit(signed_in, name)
    assert response.status_code == 200
    assert b'id="display_name-error"' in response.data
    assert INVISIBLE_MESSAGE.encode() in response.data
    db.session.refresh(signed_in.user)
    assert signed_in.user.display_name == "Amara Okafor"


def test_create_admin_refuses_invisible_characters(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "lead@nhs.net", "--name",
                                 "Lead " + RLO + "Nurse", "--password", STRONG])
    assert result.exit_code == 1
    assert INVISIBLE_MESSAGE in result.output
    assert "Traceback" not in result.output


def test_ordinary_names_from_many_languages_are_welcome(signed_in, db):
    for name in ("Siobhán O’Neill-Ní Bhriain", "Zoë Müller", "José Ñúñez", "Nguyễn Thị Hương",
                 "Aarav Šarma", "Αλέξανδρος Παπαδόπουλος", "Олена Коваль", "محمد علي",
                 "李小龙", "Jean-Luc d'Arcy Jr.", "Dr A. Patel"):
        assert _edit(signed_in, name).status_code == 302, name
        db.session.refresh(signed_in.user)
        assert signed_in.user.display_name == name


def test_spaces_of_every_kind_become_one_plain_space(signed_in, db):
    assert _edit(signed_in, "  Amara\u00a0\u00a0 \u3000Okafor ").status_code == 302
    db.session.refresh(signed_in.user)
    assert signed_in.user.display_name == "Amara Okafor"


ROLE_WORDS = ["Tom Gallagher (moderator)", "Amara Admin", "Forum Organiser", "Sam - MOD",
              "Jo Organizer", "Tom Gallagher (m\u043ederator)"]


@pytest.mark.parametrize("name", ROLE_WORDS)
def test_a_role_word_in_a_name_is_refused(signed_in, db, name):
    response = _edit(signed_in, name)
    assert response.status_code == 200
    assert b'id="display_name-error"' in response.data
    assert b"Roles are shown beside names by the forum" in response.data


LOOKALIKES = [
    "Tom Gallagher",          # the same
    "tom  GALLAGHER",         # letter case and spacing
    "Tom Gallagher.",         # punctuation
    "T.o.m Gallagher",
    "Tom Gаllаgher",          # Cyrillic a (U+0430)
    "Tοm Gallagher",          # Greek omicron
    "Tom GaIIagher",          # capital I for l
    "Tom Ga11agher",          # digit 1 for l
    "T0M GALLAGHER",          # digit 0 for O
    "Ｔｏｍ Ｇａｌｌａｇｈｅｒ",  # full-width
    "𝐓𝐨𝐦 𝐆𝐚𝐥𝐥𝐚𝐠𝐡𝐞𝐫",  # mathematical bold
]


@pytest.mark.parametrize("name", LOOKALIKES)
@pytest.mark.parametrize("staff", [factories.moderator, factories.admin], ids=["moderator", "admin"])
def test_a_name_that_looks_like_a_moderators_or_organisers_is_refused(signed_in, db, staff, name):
    staff(display_name="Tom Gallagher")
    response = _edit(signed_in, name)
    assert response.status_code == 200
    assert b'id="display_name-error"' in response.data
    assert b"looks too like the name of a moderator or organiser" in response.data


def test_registration_refuses_a_moderators_name_whether_or_not_the_address_is_taken(
        client, db, registration):
    factories.moderator(display_name="Tom Gallagher")
    taken = factories.member(email="taken@nhs.net")
    for email in ("new@nhs.net", taken.email):
        response = client.post("/register", data=registration(email=email,
                                                              display_name="Tom Gаllagher"))
        assert b'id="display_name-error"' in response.data


def test_create_admin_refuses_a_lookalike_of_another_admin(runner, db):
    factories.admin(display_name="Lead Nurse")
    result = runner.invoke(args=["create-admin", "--email", "lead2@nhs.net", "--name",
                                 "Lead Nurѕe", "--password", STRONG])
    assert result.exit_code == 1
    assert "looks too like" in result.output


def test_a_member_may_share_a_name_with_another_member_and_staff_keep_their_own(signed_in, db):
    factories.member(display_name="Sarah Jones")
    assert _edit(signed_in, "Sarah Jones").status_code == 302, "two nurses may share a name"
    moderator = factories.moderator(display_name="Tom Gallagher")
    factories.sign_in(signed_in, moderator)
    assert _edit(signed_in, "Tom Gallagher").status_code == 302, "a moderator keeps their own"


# --- roles are shown from the role, never from the name -----------------------------------

def test_posts_profiles_and_lists_show_the_role_from_the_role(client, db):
    moderator = factories.moderator(display_name="Tom Gallagher")
    organiser = factories.admin(display_name="Priya Shah")
    member = factories.member(display_name="Jo Bloggs")
    thread = factories.thread(moderator, title="Welcome to the forum")
    factories.reply(organiser, thread)
    factories.reply(member, thread)
    factories.sign_in(client, member)

    page = client.get(f"/threads/{thread.id}").data.decode()
    assert page.count('class="role-badge role-badge--moderator">Moderator</strong>') >= 1
    assert page.count('class="role-badge role-badge--admin">Organiser</strong>') >= 1
    assert "<bdi>Jo Bloggs</bdi>" in page
    assert 'role-badge' not in page.split("<bdi>Jo Bloggs</bdi>", 1)[1].split("</p>", 1)[0]
    profile = client.get(f"/members/{moderator.id}").data.decode()
    assert 'role-badge--moderator' in profile
    listing = client.get("/discussions").data.decode()
    assert 'role-badge--moderator' in listing


def test_names_are_isolated_so_a_stored_bidi_name_cannot_reorder_the_page(client, db):
    """Names saved before the rule existed still cannot flip the text around them."""
    old = factories.member(display_name="Tom Gallagher " + RLO + "(rotarédom)")
    thread = factories.thread(old)
    viewer = factories.member()
    factories.sign_in(client, viewer)
    page = client.get(f"/threads/{thread.id}").data.decode()
    assert "<bdi>Tom Gallagher " + RLO + "(rotarédom)</bdi>" in page


# --- the same fault in the other line of text shown beside a name ---------------------------

def test_the_organisation_shown_beside_a_name_refuses_invisible_characters_too(
        signed_in, client, db, registration):
    response = signed_in.post("/account", data={
        "display_name": "Amara Okafor", "profession": str(factories.profession("gp").id),
        "alliance": str(factories.alliance("pan-london-national").id),
        "organisation": "Homerton " + RLO + "Moderators"})
    assert b'id="organisation-error"' in response.data
    assert INVISIBLE_MESSAGE.encode() in response.data
    stranger = client.application.test_client()
    response = stranger.post("/register", data=registration(organisation="Hack\u200bney"))
    assert b'id="organisation-error"' in response.data
