"""An organiser's import (consent required, duplicates merged, suppressions kept, re-import
changes nothing) and export (every cell safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from forum.errors import PermissionDenied
from forum.newsletter import importing, subscribers
from forum.newsletter.models import ConsentEvent, Subscriber
from tests import factories

OLD_LIST = """email,name,consent_date,consent_source
priya.shah@nhs.net,Priya Shah,2025-03-14,Study day sign-up sheet
tom.okafor@nhs.net,Tom Okafor,02/05/2025,Mailchimp form
no.consent@nhs.net,No Consent,,
no.source@nhs.net,No Source,2025-01-01,
PRIYA.SHAH@nhs.net,,2025-04-01,Mailchimp form
not-an-email,Someone,2025-01-01,Paper
future@nhs.net,Future,2999-01-01,Paper
"""


def _import(organiser, data=OLD_LIST):
    return importing.import_csv(organiser, data, filename="old-list.csv")


def test_import_adds_consenting_rows_and_lists_the_rest(db):
    organiser = factories.admin()
    result = _import(organiser)
    assert (result.added, result.already, result.merged) == (2, 0, 1)
    assert [(r.line, r.email) for r in result.refused] == [
        (4, "no.consent@nhs.net"), (5, "no.source@nhs.net"), (7, "not-an-email"),
        (8, "future@nhs.net")]
    priya = subscribers.find("priya.shah@nhs.net")
    assert priya.status == "subscribed" and priya.source == "import"
    assert priya.source_detail == "Study day sign-up sheet"
    assert priya.consent_at.date().isoformat() == "2025-03-14"
    assert "Study day sign-up sheet" in priya.consent_text
    tom = subscribers.find("tom.okafor@nhs.net")
    assert tom.consent_at.date().isoformat() == "2025-05-02"
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)) == 2


def test_importing_the_same_file_twice_changes_nothing(db):
    organiser = factories.admin()
    _import(organiser)
    before = [(s.id, s.email, s.status, s.consent_at, s.key) for s in
              db.session.scalars(select(Subscriber).order_by(Subscriber.id))]
    again = _import(organiser)
    assert (again.added, again.already) == (0, 2)
    after = [(s.id, s.email, s.status, s.consent_at, s.key) for s in
             db.session.scalars(select(Subscriber).order_by(Subscriber.id))]
    assert before == after
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)) == 2


def test_a_reimport_never_resubscribes_someone_who_unsubscribed(db):
    organiser = factories.admin()
    _import(organiser)
    subscribers.unsubscribe(subscribers.find("tom.okafor@nhs.net"))
    result = _import(organiser)
    assert any(r.email == "tom.okafor@nhs.net" and "unsubscribed" in r.reason for r in result.refused)
    assert subscribers.find("tom.okafor@nhs.net").status == "unsubscribed"


def test_a_suppressed_address_stays_off_even_after_its_row_is_gone(db):
    subscribers.suppress("gone@nhs.net", "unsubscribed")
    db.session.commit()
    result = _import(factories.admin(), "email,name,consent_date,consent_source\n"
                                        "Gone@nhs.net,Gone,2025-01-01,Paper\n")
    assert result.added == 0 and result.refused[0].email == "Gone@nhs.net"


def test_a_file_without_an_email_column_is_refused(db):
    with pytest.raises(ValueError, match="email"):
        _import(factories.admin(), "name,date\nAnn,2025-01-01\n")


def test_only_organisers_import_and_export(db):
    member = factories.member()
    with pytest.raises(PermissionDenied):
        _import(member)
    with pytest.raises(PermissionDenied):
        importing.export_csv(member)


def test_import_page_lists_refused_rows(client, db):
    organiser = factories.admin()
    factories.sign_in(client, organiser)
    response = client.post("/newsletter/manage/import", data={
        "file": (io.BytesIO(OLD_LIST.encode()), "old-list.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert b"no.consent@nhs.net" in response.data and b"import-refused" in response.data


def test_import_page_refuses_a_file_that_is_not_utf8(client, db):
    factories.sign_in(client, factories.admin())
    response = client.post("/newsletter/manage/import", data={
        "file": (io.BytesIO(b"\xff\xfe\x00bad"), "old.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and b"UTF-8" in response.data


def test_export_is_spreadsheet_safe(client, db):
    organiser = factories.admin()
    _import(organiser, "email,name,consent_date,consent_source\n"
                       'evil@nhs.net,"=HYPERLINK(""http://x"")",2025-01-01,@SUM(1)\n')
    factories.sign_in(client, organiser)
    response = client.get("/newsletter/manage/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["email", "name"]
    assert rows[1][1].startswith("'=") and rows[1][5] == "import"


@pytest.mark.parametrize("path", ["/newsletter/manage", "/newsletter/manage/subscribers",
                                  "/newsletter/manage/import", "/newsletter/manage/export.csv",
                                  "/newsletter/manage/issues/new"])
def test_organiser_pages_are_refused_to_members(client, db, path):
    factories.sign_in(client, factories.member())
    assert client.get(path).status_code == 403


def test_subscribers_page_queries_do_not_grow_with_rows(client, db, count_queries):
    organiser = factories.admin()
    factories.sign_in(client, organiser)
    _import(organiser, "email,name,consent_date,consent_source\na@nhs.net,A,2025-01-01,Paper\n")
    with count_queries() as one:
        assert client.get("/newsletter/manage/subscribers").status_code == 200
    rows = "".join(f"p{i}@nhs.net,P {i},2025-01-01,Paper\n" for i in range(50))
    _import(organiser, "email,name,consent_date,consent_source\n" + rows)
    with count_queries() as many:
        client.get("/newsletter/manage/subscribers")
    assert many.count == one.count
