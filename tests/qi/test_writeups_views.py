"""QI write-up pages: every form renders, keeps what was typed on error, refuses who may
not, and needs its CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.qi import cycles, drivers, services
from forum.qi.models import DriverNode, WriteUp
from tests import factories as f


@pytest.fixture
def signed_in(client, author):
    f.sign_in(client, author)
    return author


def pages(w, node_id=1, cycle_id=1):
    return [f"/qi/{w}/edit", f"/qi/{w}/edit/about", f"/qi/{w}/edit/aim", f"/qi/{w}/edit/results",
            f"/qi/{w}/edit/drivers", f"/qi/{w}/edit/cycles", f"/qi/{w}/cycles/{cycle_id}",
            f"/qi/{w}/edit/team"]


def posts(w, node_id=1, cycle_id=1, member_id=1):
    return [f"/qi/{w}/edit/about", f"/qi/{w}/drivers", f"/qi/{w}/drivers/{node_id}",
            f"/qi/{w}/drivers/{node_id}/move", f"/qi/{w}/drivers/{node_id}/delete",
            f"/qi/{w}/edit/cycles", f"/qi/{w}/cycles/{cycle_id}/delete", f"/qi/{w}/edit/team",
            f"/qi/{w}/team/{member_id}", f"/qi/{w}/publish", f"/qi/{w}/unpublish"]


@pytest.fixture
def full(author, writeup):
    node = drivers.add_driver(author, writeup, text="Reviews offer an HNA")
    cycle = cycles.add_cycle(author, writeup, {"change_idea": "Prompt in the template"})
    return writeup, node, cycle


def test_every_edit_page_renders_for_the_author(client, signed_in, full):
    writeup, node, cycle = full
    for url in pages(writeup.id, node.id, cycle.id):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/qi/{writeup.id}").status_code == 200
    assert client.get("/qi/new").status_code == 200


def test_a_draft_is_not_found_for_someone_off_the_team(client, full, outsider):
    writeup, node, cycle = full
    f.sign_in(client, outsider)
    for url in [f"/qi/{writeup.id}", *pages(writeup.id, node.id, cycle.id)]:
        assert client.get(url).status_code == 404, url
    for url in posts(writeup.id, node.id, cycle.id):
        assert client.post(url, data={"text": "x", "direction": "up"}).status_code == 404, url


def test_a_published_write_up_is_read_by_members_but_edited_only_by_its_team(client, author, full, outsider):
    writeup, node, cycle = full
    services.publish_writeup(author, writeup)
    f.sign_in(client, outsider)
    assert client.get(f"/qi/{writeup.id}").status_code == 200
    for url in pages(writeup.id, node.id, cycle.id):
        assert client.get(url).status_code == 403, url
    for url in posts(writeup.id, node.id, cycle.id):
        assert client.post(url, data={"text": "x", "direction": "up"}).status_code == 403, url
    assert db.session.get(DriverNode, node.id) is not None


def test_visitors_are_asked_to_sign_in(client, author, published):
    assert client.get(f"/qi/{published.id}").status_code == 302
    assert client.get("/qi/new").status_code == 302
    assert client.get("/qi/").status_code == 200


def test_a_public_write_up_is_read_by_visitors(client, published):
    services.make_public(f.admin(), published, True)
    response = client.get(f"/qi/{published.id}")
    assert response.status_code == 200 and published.title in response.text


def test_start_keeps_what_was_typed_and_says_what_is_wrong(client, signed_in):
    response = client.post("/qi/new", data={"title": "", "summary": "Typed <summary>",
                                            "setting": "moon", "start_date": "31/02/2024"})
    assert response.status_code == 200
    assert "Enter a title" in response.text and "Typed &lt;summary&gt;" in response.text
    assert "Choose a setting from the list" in response.text
    assert "Enter a real date" in response.text and 'value="31/02/2024"' in response.text
    assert db.session.scalar(select(WriteUp.id)) is None


def test_start_then_edit_the_aim_with_a_gentle_smart_nudge(client, signed_in):
    response = client.post("/qi/new", data={"title": "Delirium screening", "summary": "4AT",
                                            "setting": "community", "status": "testing"})
    assert response.status_code == 303
    writeup = db.session.scalar(select(WriteUp))
    response = client.post(f"/qi/{writeup.id}/edit/aim", data={"aim": "Screen more people"},
                           follow_redirects=True)
    assert "no number yet" in response.text and "no date yet" in response.text
    assert writeup.aim == "Screen more people"  # saved all the same


@pytest.mark.parametrize("section, field", [("about", "summary"), ("about", "background"),
                                            ("aim", "aim"), ("results", "results"),
                                            ("results", "learning"), ("results", "replicate_needs"),
                                            ("results", "replicate_pitfalls"),
                                            ("results", "replicate_time")])
def test_the_patient_data_guard_stops_every_field_until_confirmed(client, signed_in, writeup,
                                                                 section, field):
    data = {"title": writeup.title, "summary": writeup.summary, "setting": "general-practice",
            "status": "idea", field: "Mrs Smith, NHS number 943 476 5919"}
    response = client.post(f"/qi/{writeup.id}/edit/{section}", data=data)
    assert response.status_code == 200 and "pid-guard" in response.text
    assert "943 476 5919" in response.text  # what was typed is kept
    db.session.refresh(writeup)
    assert "5919" not in getattr(writeup, field)
    response = client.post(f"/qi/{writeup.id}/edit/{section}", data={**data, "pid_confirmed": "yes"})
    assert response.status_code == 303
    db.session.refresh(writeup)
    assert "5919" in getattr(writeup, field)


def test_driver_text_and_cycle_text_pass_the_guard(client, signed_in, writeup):
    response = client.post(f"/qi/{writeup.id}/drivers", data={"text": "NHS number 943 476 5919"})
    assert "pid-guard" in response.text and 'value="NHS number 943 476 5919"' in response.text
    response = client.post(f"/qi/{writeup.id}/edit/cycles",
                           data={"change_idea": "X", "study": "NHS number 943 476 5919"})
    assert "pid-guard" in response.text


def test_drivers_add_and_reorder_without_javascript(client, signed_in, writeup):
    for text in ("First", "Second"):
        assert client.post(f"/qi/{writeup.id}/drivers", data={"text": text}).status_code == 303
    second = db.session.scalar(select(DriverNode).where(DriverNode.text == "Second"))
    client.post(f"/qi/{writeup.id}/drivers/{second.id}/move", data={"direction": "up"})
    page = client.get(f"/qi/{writeup.id}").text
    assert page.index("Second") < page.index("First")


def test_an_empty_driver_is_refused_beside_its_box(client, signed_in, writeup):
    response = client.post(f"/qi/{writeup.id}/drivers", data={"text": ""})
    assert response.status_code == 200 and "Enter what the box says" in response.text


def test_publish_and_the_page_links_its_discussion(client, signed_in, writeup):
    assert client.post(f"/qi/{writeup.id}/publish").status_code == 303
    page = client.get(f"/qi/{writeup.id}").text
    assert "Discuss this project (0 replies)" in page


def test_history_lists_versions_with_what_changed(client, signed_in, author, published):
    services.edit_writeup(author, published, {"aim": "60% by March 2025"})
    page = client.get(f"/qi/{published.id}/history").text
    assert "Version 2" in page and "Changed: Aim." in page


def test_forms_need_their_csrf_token(app, client, signed_in, writeup):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in posts(writeup.id):
            assert client.post(url, data={"text": "x"}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_team_page_adds_a_member_and_keeps_the_name_on_error(client, signed_in, writeup):
    response = client.post(f"/qi/{writeup.id}/edit/team", data={"name": "Nobody Known"})
    assert "No member of the forum" in response.text and 'value="Nobody Known"' in response.text
    f.member(display_name="Joan Whitfield")
    response = client.post(f"/qi/{writeup.id}/edit/team",
                           data={"name": "Joan Whitfield", "role": "Patient partner"})
    assert response.status_code == 303


@pytest.mark.parametrize("field", ["change_idea", "plan", "prediction", "do", "study", "act_notes"])
def test_the_guard_checks_every_pdsa_field(client, signed_in, writeup, field):
    data = {"change_idea": "Template prompt", field: "Seen with NHS number 943 476 5919"}
    response = client.post(f"/qi/{writeup.id}/edit/cycles", data=data)
    assert "pid-guard" in response.text and "943 476 5919" in response.text
    assert client.post(f"/qi/{writeup.id}/edit/cycles",
                       data={**data, "pid_confirmed": "yes"}).status_code == 303


def test_the_guard_checks_a_driver_edit_and_a_team_role(client, signed_in, author, writeup):
    node = drivers.add_driver(author, writeup, text="Safe")
    response = client.post(f"/qi/{writeup.id}/drivers/{node.id}",
                           data={"text": "Mrs Smith NHS number 943 476 5919"})
    assert "pid-guard" in response.text
    db.session.refresh(node)
    assert node.text == "Safe"
    f.member(display_name="Joan Whitfield")
    response = client.post(f"/qi/{writeup.id}/edit/team",
                           data={"name": "Joan Whitfield", "role": "NHS number 943 476 5919"})
    assert "pid-guard" in response.text


def test_move_under_another_driver_from_the_page(client, signed_in, author, writeup):
    one = drivers.add_driver(author, writeup, text="One")
    two = drivers.add_driver(author, writeup, text="Two")
    child = drivers.add_driver(author, writeup, text="Child", parent=one)
    page = client.get(f"/qi/{writeup.id}/edit/drivers").text
    assert f'id="parent-{child.id}"' in page
    client.post(f"/qi/{writeup.id}/drivers/{child.id}/move", data={"parent": str(two.id)})
    db.session.refresh(child)
    assert child.parent_id == two.id
    response = client.post(f"/qi/{writeup.id}/drivers/{child.id}/move", data={"parent": "abc"},
                           follow_redirects=True)
    assert "Choose where to move it" in response.text


def test_unpublish_hides_it_from_members_again(client, signed_in, author, published, outsider):
    client.post(f"/qi/{published.id}/unpublish")
    f.sign_in(client, outsider)
    assert client.get(f"/qi/{published.id}").status_code == 404
    assert published.title not in client.get("/qi/").text


def test_an_organiser_makes_it_public_from_its_page(client, published):
    organiser = f.admin()
    f.sign_in(client, organiser)
    assert "Make public" in client.get(f"/qi/{published.id}").text
    client.post(f"/qi/{published.id}/public", data={"public": "1"})
    db.session.refresh(published)
    assert published.is_public


def test_a_member_cannot_make_it_public(client, signed_in, published):
    assert client.post(f"/qi/{published.id}/public", data={"public": "1"}).status_code == 403


def test_unknown_sections_and_ids_are_not_found(client, signed_in, writeup):
    for url in (f"/qi/{writeup.id}/edit/nothing", "/qi/999999/edit", f"/qi/{writeup.id}/cycles/999",
                "/qi/99999999999999999999"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/qi/{writeup.id}/drivers/999/move", data={"direction": "up"}).status_code == 404


def test_a_plain_team_member_reads_the_draft_but_cannot_edit_it(client, author, writeup):
    from forum.qi import team

    helper = f.member(display_name="Helper Person")
    team.add_team_member(author, writeup, name="Helper Person")
    f.sign_in(client, helper)
    page = client.get(f"/qi/{writeup.id}")
    assert page.status_code == 200 and "Edit the write-up" not in page.text
    assert client.get(f"/qi/{writeup.id}/edit").status_code == 403
    assert "Your write-ups not yet published" in client.get("/qi/").text


def test_visitors_are_offered_to_sign_in_to_share(client, db):
    assert "to share your own QI project" in client.get("/qi/").text
