""""Download my data": one ZIP with a JSON file per domain and the member's uploads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.members import account_data, personal_data
from forum.moderation.models import AuditEntry
from tests import factories as f
from tests.members.conftest import EMAIL, NAME
from tests.uploads.files import PDF


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(f"{name}.json"))


def test_the_page_says_what_is_in_it_and_needs_a_member(client, story):
    assert client.get("/account/export").status_code == 302
    f.sign_in(client, story.member)
    page = client.get("/account/export").get_data(as_text=True)
    assert "Download my data (ZIP)" in page and 'action="/account/export"' in page


def test_the_archive_holds_every_domain_and_the_uploaded_file(client, story):
    f.sign_in(client, story.member)
    archive = _archive(client.post("/account/export"))
    names = set(archive.namelist())
    assert {"README.txt", "members.json", "discussions.json", "notifications.json", "qi.json",
            "events.json", "uploads.json"} <= names
    profile = _json(archive, "members")["profile"]
    assert (profile["email"], profile["display_name"]) == (EMAIL, NAME)
    assert profile["organisation"] == "Whittington Health"
    posts = _json(archive, "discussions")["posts"]
    assert [p["text"] for p in posts] == ["We refer at stage 2 with **compression** garments."]
    assert posts[0]["created_at"].startswith("20")  # ISO 8601
    assert _json(archive, "discussions")["drafts"][0]["text"] == "A draft about mouth care"
    following = [r["what"] for r in _json(archive, "notifications")["following"]]
    assert "Lymphoedema referral criteria" in following
    assert _json(archive, "notifications")["email_preferences"]["events"] == "immediately"
    assert _json(archive, "qi")["writeups_started"][0]["title"] == "HNAs at cancer care reviews"
    [signup] = _json(archive, "events")["sign_ups"]
    assert signup["event"] == "Lymphoedema webinar"
    assert signup["answers"] == {"Access needs?": "Step-free access"}
    assert _json(archive, "events")["attendance"][0]["recorded_from"] == "teams"
    [upload] = _json(archive, "uploads")
    assert archive.read(upload["file"]) == PDF
    assert upload["name_when_uploaded"] == "audit.pdf"


def test_nobody_else_sees_what_is_in_it(client, story):
    f.sign_in(client, story.other)
    archive = _archive(client.post("/account/export"))
    assert EMAIL not in b"".join(archive.read(n) for n in archive.namelist()).decode()


def test_an_organiser_downloads_a_members_data_on_request_and_it_is_audited(client, story):
    organiser = f.admin(email="sar@nhs.net", display_name="Sam Organiser")
    f.sign_in(client, organiser)
    archive = _archive(client.post(f"/admin/members/{story.member.id}/export"))
    assert _json(archive, "members")["profile"]["email"] == EMAIL
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export_member_data"))
    assert (entry.actor_id, entry.target_id) == (organiser.id, story.member.id)


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_organisers_download_someone_elses(client, story, who):
    f.sign_in(client, f.moderator() if who == "moderator" else f.member())
    assert client.post(f"/admin/members/{story.member.id}/export").status_code == 403


def test_a_registered_domain_adds_its_own_file(story):
    personal_data.domains()
    personal_data.register("shadowing", lambda user: {"offers": [user.id]}, lambda user: None)
    try:
        archive = zipfile.ZipFile(account_data.export_archive(story.member, story.member))
        assert json.loads(archive.read("shadowing.json")) == {"offers": [story.member.id]}
        assert personal_data.domains()[-1].name == "members"  # erased last, whatever joins
    finally:
        personal_data._registry.pop("shadowing")


def test_the_export_costs_the_same_queries_for_one_post_and_fifty(story, count_queries):
    def cost() -> int:
        with count_queries() as counted:
            account_data.export_archive(story.member, story.member).close()
        return counted.count

    one = cost()
    for _ in range(49):
        f.reply(story.member, story.thread, body="More on compression.")
    assert cost() == one
