"""The site's own pages: in place on a fresh install (seed and migration), linked from every
page's footer, readable by visitors, edited by organisers as Markdown rendered safely,
with a history and an audit entry for each edit."""

from __future__ import annotations

import itertools
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from forum import create_app
from forum.community.seed import seed_reference_data
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db as _db
from forum.moderation.models import AuditEntry
from forum.pages import services
from forum.pages.defaults import PAGES
from forum.pages.models import Page, PageRevision
from forum.pages.queries import page_by_slug
from tests import factories as f
from tests.conftest import scratch_database

URLS = {"privacy": "/privacy", "accessibility": "/accessibility",
        "community-guidelines": "/community-guidelines", "contact": "/contact"}


def html_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("slug, url", URLS.items())
def test_each_page_is_there_for_visitors_with_headings_under_its_title(client, db, slug, url):
    response = client.get(url)
    assert response.status_code == 200
    html = html_of(response)
    levels = [int(n) for n in re.findall(r"<h([1-6])", html.split('id="main-content"')[1])]
    assert levels[0] == 1 and levels.count(1) == 1 and 2 in levels
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_the_defaults_say_what_the_brief_asks(client, db):
    privacy = html_of(client.get("/privacy"))
    for words in ("What we store", "Why we store it", "How long we keep it", "contact page"):
        assert words in privacy
    accessibility = html_of(client.get("/accessibility"))
    for words in ("axe", "Nu HTML Checker", "320 pixels", "keyboard", "WCAG"):
        assert words in accessibility
    guidelines = html_of(client.get("/community-guidelines"))
    for words in ("identify a patient", "respectful", "clinical"):
        assert words in guidelines


def test_every_page_links_to_the_four_pages_in_its_footer(client, db):
    for url in ("/", "/login", "/privacy"):
        footer = html_of(client.get(url)).split('<footer class="site-footer">')[1]
        for path in URLS.values():
            assert f'href="{path}"' in footer, (url, path)


def test_an_unknown_page_is_not_found(client, db):
    assert client.get("/terms").status_code == 404


def test_an_organiser_edits_a_page_which_is_kept_audited_and_rendered(client, db):
    admin = f.admin()
    page = page_by_slug("contact")
    services.edit_page(admin, page, title="Contact the organisers",
                       body="# Email\n\nWrite to **cop@example.nhs.uk**.", reason="Our address")
    assert page.body_html.strip() == "<h2>Email</h2>\n<p>Write to <strong>cop@example.nhs.uk</strong>.</p>"
    assert page.updated_by_id == admin.id
    entry = _db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target_type, entry.target_id, entry.reason) == (
        "edit_page", "page", page.id, "Our address")
    assert entry.before == "Contact us" and entry.after == "Contact the organisers (version 2)"
    numbers = _db.session.scalars(select(PageRevision.number)
                                  .where(PageRevision.page_id == page.id)).all()
    assert sorted(numbers) == [1, 2]
    html = html_of(client.get("/contact"))
    assert "<h1>Contact the organisers</h1>" in html and "<h2>Email</h2>" in html


def test_an_edit_that_changes_nothing_is_not_a_new_version(db):
    admin = f.admin()
    page = page_by_slug("privacy")
    services.edit_page(admin, page, title=page.title, body=page.body_source)
    assert _db.session.scalar(select(AuditEntry)) is None


@pytest.mark.parametrize("body, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("[click](javascript:alert(1))", "href=\"javascript"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ("<iframe src=https://example.org></iframe>", "<iframe"),
])
def test_page_markdown_is_rendered_safely(client, db, body, forbidden):
    services.edit_page(f.admin(), page_by_slug("privacy"), title="Privacy notice", body=body)
    main = html_of(client.get("/privacy")).split('id="page-body"')[1].split("</div>")[0]
    assert forbidden not in main


def test_only_organisers_edit_pages_and_bad_input_is_refused(db):
    page = page_by_slug("privacy")
    for actor in (f.member(), f.moderator()):
        with pytest.raises(PermissionDenied):
            services.edit_page(actor, page, title="Mine", body="Mine")
    with pytest.raises(InvalidInput) as error:
        services.edit_page(f.admin(), page, title=" ", body="Text")
    assert error.value.field == "title"
    with pytest.raises(InvalidInput) as error:
        services.edit_page(f.admin(), page, title="T", body="x" * (services.BODY_MAX + 1))
    assert error.value.field == "body"


def test_editing_through_the_form_with_preview_first(client, db):
    admin = f.admin()
    f.sign_in(client, admin)
    data = {"title": "Privacy notice", "body": "# Cookies\n\nOnly *two*.", "reason": ""}
    preview = client.post("/admin/pages/privacy/edit", data={**data, "preview": "1"})
    html = html_of(preview)
    assert preview.status_code == 200 and "<h2>Cookies</h2>" in html and "<em>two</em>" in html
    assert page_by_slug("privacy").body_source != data["body"]  # a preview saves nothing
    saved = client.post("/admin/pages/privacy/edit", data=data)
    assert saved.status_code == 303 and saved.headers["Location"] == "/privacy"
    assert page_by_slug("privacy").body_source == data["body"]
    history = html_of(client.get("/admin/pages/privacy/history"))
    assert "Version 2 (current)" in history and "Version 1" in history
    empty = client.post("/admin/pages/privacy/edit", data={"title": "Privacy notice", "body": ""})
    assert empty.status_code == 200 and "Enter the page" in html_of(empty)


def test_seeding_again_never_overwrites_an_edit(db):
    page = page_by_slug("contact")
    services.edit_page(f.admin(), page, title="Contact", body="Our own words")
    seed_reference_data()
    assert page_by_slug("contact").body_source == "Our own words"
    assert _db.session.query(Page).count() == len(PAGES)


def test_a_migrated_database_has_the_pages_before_any_seeding(tmp_path):
    with scratch_database(tmp_path / "migrated.db", prefix="forum_pages") as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                          "SEARCH_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            rows = _db.session.execute(text("SELECT slug, body_html FROM pages ORDER BY id")).all()
            assert [r.slug for r in rows] == [p.slug for p in PAGES]
            assert all("<h2>" in r.body_html for r in rows)
            assert _db.session.execute(text("SELECT count(*) FROM page_revisions")).scalar() == 4
            seed_reference_data()  # finds them there and adds none
            assert _db.session.execute(text("SELECT count(*) FROM pages")).scalar() == 4
            _db.session.remove()
            _db.engine.dispose()
