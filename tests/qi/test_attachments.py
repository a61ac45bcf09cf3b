"""QI attachments: stored from content checks, served as downloads only to readers."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.qi.models import Attachment
from forum.uploads.models import Upload
from forum.uploads.services import MB
from tests import factories
from tests.factories import sign_in
from tests.qi.data_factories import measure, writeup
from tests.uploads import files


def _post(client, item, content: bytes, name: str, caption: str = ""):
    return client.post(f"/qi/{item.id}/attachments/new",
                       data={"file": (io.BytesIO(content), name), "caption": caption},
                       content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


@pytest.fixture
def team(client, db):
    author, coauthor, teammate = factories.member(), factories.member(), factories.member()
    item = writeup(author, published=False, coauthors=(coauthor,), team=(teammate,))
    sign_in(client, author)
    return item, author, coauthor, teammate


def test_a_pdf_is_stored_under_a_random_name_with_its_hash(client, app, team):
    item = team[0]
    response = _post(client, item, files.PDF, "Poster – spring.PDF", "Our poster")
    assert response.status_code == 302
    upload = db.session.scalars(select(Upload)).one()
    path = Path(app.config["UPLOAD_DIR"]) / upload.stored_name
    assert path.read_bytes() == files.PDF
    assert "Poster" not in upload.stored_name and upload.download_name == "Poster-spring.pdf"
    assert upload.sha256 == hashlib.sha256(files.PDF).hexdigest() and upload.size == len(files.PDF)
    assert upload.content_type == "application/pdf"
    assert not list(Path(app.config["UPLOAD_DIR"]).glob(".incoming-*"))


def test_a_ten_mb_program_renamed_pdf_gets_a_message_beside_the_field(client, app, team):
    item = team[0]
    content = files.EXE + b"\x00" * (10 * MB - len(files.EXE))
    response = _post(client, item, content, "minutes.pdf", caption="Meeting notes")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="file-error"' in page and "whatever its name says" in page
    assert "It looks like a Windows program (.exe)" in page
    assert 'value="Meeting notes"' in page  # the caption is kept
    assert _count() == 0 and not list(Path(app.config["UPLOAD_DIR"]).glob(".incoming-*"))


def test_a_file_over_ten_mb_is_refused_with_a_message(client, team):
    item = team[0]
    response = _post(client, item, files.PDF + b"0" * (10 * MB), "big.pdf")
    assert response.status_code == 422
    assert "The file is larger than 10 MB" in response.get_data(as_text=True) and _count() == 0


def test_a_request_far_over_the_limit_is_a_page_not_a_500(client, team):
    item = team[0]
    response = _post(client, item, files.PDF + b"0" * (11 * MB), "huge.pdf")
    assert response.status_code == 413
    assert "The file is larger than 10 MB" in response.get_data(as_text=True)


def test_elsewhere_the_sites_own_limit_still_holds(client, team):
    item, author = team[0], team[1]
    made = measure(author, item)
    response = client.post(f"/qi/{item.id}/measures/new", data={"name": "x" * (3 * MB)})
    assert response.status_code == 413 and "That was too large" in response.get_data(as_text=True)
    response = client.post(f"/qi/measures/{made.id}/data?mode=paste",
                           data={"paste-text": "x" * (3 * MB)})
    assert response.status_code == 413 and "too much text" in response.get_data(as_text=True)


def test_no_file_chosen_says_so(client, team):
    response = client.post(f"/qi/{team[0].id}/attachments/new", data={"caption": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload" in response.get_data(as_text=True)


def test_a_download_is_an_attachment_with_nosniff_and_a_sandbox(client, team):
    item = team[0]
    word = files.office("docx")
    _post(client, item, word, "notes.pdf")  # a Word file, whatever its name
    attachment = db.session.scalars(select(Attachment)).one()
    response = client.get(f"/qi/attachments/{attachment.id}/anything")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notes.docx")
    response = client.get(f"/qi/attachments/{attachment.id}/notes.docx")
    assert response.status_code == 200 and response.data == word
    assert response.headers["Content-Disposition"] == "attachment; filename=notes.docx"
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_a_drafts_files_are_404_to_everyone_off_the_team(client, team):
    item, _, _, teammate = team
    _post(client, item, files.png(), "chart.png")
    attachment = db.session.scalars(select(Attachment)).one()
    url = f"/qi/attachments/{attachment.id}/chart.png"
    sign_in(client, teammate)
    assert client.get(url).status_code == 200
    for outsider in (factories.member(), factories.moderator(), factories.admin()):
        sign_in(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(f"/qi/attachments/{attachment.id}/delete").status_code == 404
        assert client.get(f"/qi/{item.id}/attachments/new").status_code == 404
    client.post("/logout")
    assert client.get(url).status_code == 404


def test_a_published_write_ups_files_are_for_members_unless_public(client, db):
    author = factories.member()
    item = writeup(author)
    sign_in(client, author)
    _post(client, item, files.JPEG, "photo.jpeg")
    attachment = db.session.scalars(select(Attachment)).one()
    url = f"/qi/attachments/{attachment.id}/photo.jpg"
    sign_in(client, factories.member())
    assert client.get(url).status_code == 200
    assert client.get(f"/qi/{item.id}/attachments/new").status_code == 403  # reads, not on team
    client.post("/logout")
    assert client.get(url).status_code == 404
    item.is_public = True
    db.session.commit()
    assert client.get(url).status_code == 200


def test_team_members_add_files_and_remove_their_own(client, team):
    item, author, _, teammate = team
    _post(client, item, files.PDF, "by-author.pdf")
    sign_in(client, teammate)
    assert _post(client, item, files.PDF, "by-teammate.pdf").status_code == 302
    mine, theirs = (db.session.scalars(select(Attachment).join(Upload).where(
        Upload.original_name == n)).one() for n in ("by-teammate.pdf", "by-author.pdf"))
    assert client.post(f"/qi/attachments/{theirs.id}/delete").status_code == 403
    assert client.post(f"/qi/attachments/{mine.id}/delete").status_code == 302
    sign_in(client, author)
    assert client.post(f"/qi/attachments/{theirs.id}/delete").status_code == 302
    assert _count() == 0 and db.session.scalar(select(func.count(Upload.id))) == 0


def test_removing_deletes_the_stored_file(client, app, team):
    item = team[0]
    _post(client, item, files.PDF, "a.pdf")
    upload = db.session.scalars(select(Upload)).one()
    path = Path(app.config["UPLOAD_DIR"]) / upload.stored_name
    attachment = db.session.scalars(select(Attachment)).one()
    client.post(f"/qi/attachments/{attachment.id}/delete")
    assert not path.exists()


def test_the_files_list_shows_captions_escaped(client, team):
    item = team[0]
    _post(client, item, files.PDF, "a.pdf", caption="<script>alert(1)</script>")
    page = client.get(f"/qi/{item.id}/measures").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_the_write_up_page_lists_its_files_for_readers(client, db):
    author = factories.member()
    item = writeup(author)
    sign_in(client, author)
    _post(client, item, files.PDF, "Poster.pdf", caption="Workshop poster")
    sign_in(client, factories.member())
    page = client.get(f"/qi/{item.id}").get_data(as_text=True)
    attachment = db.session.scalars(select(Attachment)).one()
    assert f'href="/qi/attachments/{attachment.id}/Poster.pdf"' in page and "Workshop poster" in page
    assert "Add a file" not in page and "Remove" not in page
