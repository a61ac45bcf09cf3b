"""Words a new member reads: one label for pan-London, what CoP stands for, who posted last, the
Markdown hint."""

from __future__ import annotations

import re

from sqlalchemy import select

from forum.community.models import Alliance
from tests import factories as f

PAN_LONDON = "Pan-London"


def page(response) -> str:
    return response.get_data(as_text=True)


def test_pan_london_has_one_label_everywhere(client, db):
    alliance = db.session.scalar(select(Alliance).where(Alliance.slug == "pan-london-national"))
    assert alliance.name == PAN_LONDON
    member = f.member()
    f.sign_in(client, member)
    thread = f.thread(member, title="For everyone in London", alliance=None)
    pages = [page(client.get(url)) for url in ("/discussions/new", f"/threads/{thread.id}", "/alliances",
                                               "/discussions")]
    client.post("/logout")
    pages.append(page(client.get("/register")))
    text = " ".join(pages)
    assert PAN_LONDON in text
    assert "Pan-London / national" not in text and "Pan-London (every alliance)" not in text
    assert "national" not in re.sub(r"<[^>]+>", " ", text).lower().replace("international", "")


def test_moving_a_thread_to_pan_london_is_logged_with_the_same_label(db):
    from forum.moderation import services as moderation
    from forum.moderation.models import AuditEntry

    thread = f.thread(f.member(), alliance=f.alliance("south-east-london"))
    moderation.move_thread(f.moderator(), thread, board=thread.board, alliance=None, reason="For all")
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert PAN_LONDON in entry.after and "national" not in entry.after


def test_the_home_heading_says_what_cop_stands_for_without_repeating_the_site_name(client, db, app):
    html = page(client.get("/"))
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()
    assert h1 != app.config["SITE_NAME"]
    assert "Community of Practice" in h1


def test_the_home_page_names_the_last_poster_beside_the_last_activity(client, db):
    starter, replier = f.member(display_name="Sam Starter"), f.member(display_name="Rae Replier")
    thread = f.thread(starter, board=f.board("introductions"), title="Hello from Hackney")
    f.reply(replier, thread)
    html = page(client.get("/"))
    latest = re.search(r"Latest:.*?</p>", html, re.S).group(0)
    assert "Hello from Hackney" in latest and "Rae Replier" in latest and "Sam Starter" not in latest


def test_the_markdown_hint_shows_each_example_without_stray_spaces(client, db):
    f.sign_in(client, f.member())
    html = page(client.get("/discussions/new"))
    codes = re.findall(r"<code>(.*?)</code>", html)
    assert codes, "the hint shows its examples as code"
    assert [c for c in codes if c != c.strip()] == []
    assert "for a list" in html


def test_the_migration_renames_the_seeded_pan_london_alliance(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from forum import create_app
    from forum.extensions import db as _db
    from tests.conftest import scratch_database

    with scratch_database(tmp_path / "migrated.db", prefix="forum_mig") as url:
        migrated = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                               "SEARCH_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": False})
        with migrated.app_context():
            upgrade(revision="5c1e0a7d2b3f")
            insert = text("INSERT INTO alliances (slug, name, description, position) "
                          "VALUES (:slug, :name, '', 0)")
            _db.session.execute(insert, {"slug": "pan-london-national", "name": "Pan-London / national"})
            _db.session.execute(insert, {"slug": "north-central-london", "name": "North Central London"})
            _db.session.commit()
            upgrade()
            names = dict(_db.session.execute(text("SELECT slug, name FROM alliances")).all())
            _db.session.remove()
            _db.engine.dispose()
    assert names == {"pan-london-national": PAN_LONDON, "north-central-london": "North Central London"}
