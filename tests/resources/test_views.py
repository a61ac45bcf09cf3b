"""The library over HTTP: who sees which page, uploads and downloads, forms' messages, queries."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from forum.errors import PermissionDenied
from forum.resources import services
from forum.resources.models import Resource, ResourceKind, ResourceStatus
from tests import factories
from tests.resources.helpers import PDF_BYTES, resource


def _form(**kw) -> dict:
    data = {"kind": "link", "title": "Cancer care review template",
            "description": "The template our practices use.",
            "url": "https://www.macmillan.org.uk/ccr", "is_public": "y"}
    data.update(kw)
    return data


def test_visitors_see_public_resources_and_the_nav_link(client, db):
    admin = factories.admin()
    resource(admin, title="Public guide to fatigue")
    resource(admin, title="Members-only slides", is_public=False)
    page = client.get("/resources").get_data(as_text=True)
    assert "Public guide to fatigue" in page and "Members-only slides" not in page
    assert 'href="/resources"' in page


def test_a_visitor_opening_a_members_only_resource_is_asked_to_sign_in(client, db):
    hidden = resource(factories.admin(), is_public=False)
    response = client.get(f"/resources/{hidden.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/resources/new", "/resources/suggestions", "/resources/mine"])
def test_pages_for_members_need_signing_in(client, db, path):
    assert client.get(path).status_code == 302


@pytest.mark.parametrize("path", ["/resources/suggestions", "/resources/{id}/edit",
                                  "/resources/{id}/decline"])
def test_curators_pages_are_refused_to_members(client, db, path):
    published = resource(factories.admin())
    factories.sign_in(client, factories.member())
    assert client.get(path.format(id=published.id)).status_code == 403


@pytest.mark.parametrize("action", ["approve", "feature", "retire", "restore"])
def test_curators_actions_are_refused_to_members(client, db, action):
    published = resource(factories.admin())
    factories.sign_in(client, factories.member())
    assert client.post(f"/resources/{published.id}/{action}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Resource, published.id).status == ResourceStatus.PUBLISHED


def test_a_member_suggests_and_an_organiser_approves(client, db):
    member, admin = factories.member(), factories.admin()
    factories.sign_in(client, member)
    assert "Suggest a resource" in client.get("/resources/new").get_data(as_text=True)
    response = client.post("/resources/new", data=_form())
    assert response.status_code == 303
    suggested = db.session.scalars(select(Resource)).one()
    assert suggested.status == ResourceStatus.SUGGESTED
    factories.sign_in(client, admin)
    assert suggested.title in client.get("/resources/suggestions").get_data(as_text=True)
    assert client.post(f"/resources/{suggested.id}/approve").status_code == 303
    db.session.expire_all()
    assert db.session.get(Resource, suggested.id).is_published


def test_a_suggestion_others_cannot_see_is_a_404(client, db):
    suggested = resource(factories.member())
    factories.sign_in(client, factories.member())
    assert client.get(f"/resources/{suggested.id}").status_code == 404


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Enter a title"),
    ({"url": "not a web address"}, "Enter a web address that starts with https://"),
    ({"kind": "recording", "minutes": "an hour"}, "Enter the length in minutes as a whole number"),
    ({"kind": "guide", "body_source": ""}, "Write the guide"),
    ({"kind": "document"}, "Choose a file to upload"),
    ({"kind": "nonsense"}, "Not a valid choice"),
    ({"board": "9999"}, "Choose a topic from the list"),
    ({"description": "x" * 2001}, "The description must be 2,000 characters or fewer"),
])
def test_bad_input_is_shown_beside_the_field_keeping_what_was_typed(client, db, change, message):
    factories.sign_in(client, factories.admin())
    response = client.post("/resources/new", data=_form(description="Kept words", **change)
                           if "description" not in change else _form(**change))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    if "description" not in change:
        assert "Kept words" in page


def test_an_uploaded_document_downloads_only_for_those_who_may_read_it(client, db):
    admin = factories.admin()
    factories.sign_in(client, admin)
    response = client.post("/resources/new", data=_form(
        kind="document", url="", is_public="", file=(io.BytesIO(PDF_BYTES), "Slides 2023.pdf")),
        content_type="multipart/form-data")
    assert response.status_code == 303
    doc = db.session.scalars(select(Resource)).one()
    url = f"/resources/{doc.id}/file/{doc.upload.download_name}"
    got = client.get(url)
    assert got.status_code == 200 and got.data == PDF_BYTES
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/logout")
    assert client.get(url).status_code == 302  # members-only: sign in first
    factories.sign_in(client, factories.member())
    assert client.get(url).status_code == 200


def test_an_upload_over_25_mb_is_refused_beside_the_field(client, db):
    factories.sign_in(client, factories.admin())
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024 + 10))
    response = client.post("/resources/new", data=_form(kind="document", file=(big, "big.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code in (413, 422)
    assert "larger than 25 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(Resource.id)) is None


def test_a_file_that_is_not_an_allowed_type_is_refused(client, db):
    factories.sign_in(client, factories.admin())
    response = client.post("/resources/new", data=_form(
        kind="document", file=(io.BytesIO(b"<html><script>x</script>"), "slides.pdf")),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "a web page or other markup" in response.get_data(as_text=True)


def test_an_organiser_edits_features_and_retires(client, db):
    admin = factories.admin()
    published = resource(admin)
    factories.sign_in(client, admin)
    assert 'value="Macmillan cancer care review template"' in client.get(
        f"/resources/{published.id}/edit").get_data(as_text=True)
    assert client.post(f"/resources/{published.id}/edit",
                       data=_form(title="Renamed")).status_code == 303
    assert client.post(f"/resources/{published.id}/feature", data={"featured": "1"}).status_code == 303
    assert "Featured" in client.get("/resources").get_data(as_text=True)
    assert client.post(f"/resources/{published.id}/retire").status_code == 303
    db.session.expire_all()
    assert db.session.get(Resource, published.id).status == ResourceStatus.RETIRED
    assert "Renamed" not in client.get("/resources").get_data(as_text=True)


def test_a_decline_form_keeps_the_reason_and_needs_one(client, db):
    suggested = resource(factories.member())
    factories.sign_in(client, factories.admin())
    response = client.post(f"/resources/{suggested.id}/decline", data={"reason": ""})
    assert response.status_code == 422 and "Say why" in response.get_data(as_text=True)
    assert client.post(f"/resources/{suggested.id}/decline",
                       data={"reason": "Out of date"}).status_code == 303


@pytest.mark.parametrize("query", ["?kind=x", "?board=abc", "?profession=99999999999999999999",
                                   "?sort=%00", "?page=-4", "?event=1%27--"])
def test_odd_filters_are_ignored_not_errors(client, db, query):
    assert client.get(f"/resources{query}").status_code == 200


def test_filters_narrow_the_list(client, db):
    admin = factories.admin()
    resource(admin, title="For physios", professions=[factories.profession("physiotherapist")])
    resource(admin, title="A recording", kind=ResourceKind.RECORDING)
    physio = factories.profession("physiotherapist").id
    page = client.get(f"/resources?profession={physio}").get_data(as_text=True)
    assert "For physios" in page and "A recording" not in page
    page = client.get("/resources?kind=recording").get_data(as_text=True)
    assert "A recording" in page and "For physios" not in page


def test_the_list_costs_the_same_queries_for_1_and_30_resources(client, db, count_queries):
    admin = factories.admin()
    professions = [factories.profession("physiotherapist"), factories.profession("dietitian")]

    def add(n: int) -> None:
        for i in range(n):
            resource(admin, title=f"Resource {i}", kind=ResourceKind.DOCUMENT,
                     professions=professions, board=factories.board(),
                     alliance=factories.alliance())
    add(1)
    factories.sign_in(client, admin)
    client.get("/resources")
    with count_queries() as one:
        client.get("/resources")
    add(29)
    with count_queries() as many:
        page = client.get("/resources").get_data(as_text=True)
    assert page.count('class="thread-list__item"') == 30
    assert many.count == one.count


def test_visitors_never_see_a_members_email(client, db):
    admin = factories.admin(email="ruth.private@nhs.net")
    published = resource(admin)
    assert "ruth.private" not in client.get(f"/resources/{published.id}").get_data(as_text=True)


def test_services_alone_refuse_visitors_suggesting(db):
    with pytest.raises(PermissionDenied):
        services.add_resource(None, services.ResourceInput(title="x", kind=ResourceKind.LINK))


def test_a_long_library_pages_with_next_and_previous(client, db):
    admin = factories.admin()
    for i in range(31):
        resource(admin, title=f"Resource {i:02}")
    first = client.get("/resources?sort=title").get_data(as_text=True)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/resources?sort=title&page=2").get_data(as_text=True)
    assert second.count('class="thread-list__item"') == 1 and "Resource 30" in second
    assert 'rel="prev"' in second


def test_an_events_page_lists_the_resources_that_came_from_it(client, db):
    from tests.events.conftest import make_event

    admin = factories.admin()
    event = make_event(admin, title="Delirium webinar")
    resource(admin, title="Delirium recording", kind=ResourceKind.RECORDING, minutes=60, event=event)
    resource(admin, title="Members-only notes", event=event, is_public=False)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Resources from this event" in page and "Delirium recording" in page
    assert "1 hour" in page and "Members-only notes" not in page
