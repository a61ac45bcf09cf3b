"""Replicating a write-up, its lineage both ways, the replica count, and "We tried this"."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.qi import cycles, drivers, measures, moderation, replication, services
from forum.qi.lineage_queries import lineage_context
from forum.qi.models import DataPoint, DriverNode, Measure, PdsaCycle, TriedIt, WriteUp
from forum.qi.series import Row
from tests import factories as f


@pytest.fixture
def full(author, writeup):
    """A published write-up with an aim, a driver diagram, two measures with data, a cycle."""
    services.edit_writeup(author, writeup, {
        "aim": "Offer an HNA at 80% of cancer care reviews by **March 2025**.",
        "results": "Offers rose to 78%.", "learning": "Templates beat training."})
    primary = drivers.add_driver(author, writeup, text="Reviews include an HNA")
    secondary = drivers.add_driver(author, writeup, text="The template prompts it", parent=primary)
    idea = drivers.add_driver(author, writeup, text="Add the checklist to the template", parent=secondary)
    offered = measures.add_measure(author, writeup, name="HNAs offered", unit="%", better="up",
                                   definition="Reviews with an HNA offered, of all reviews.",
                                   target=80, is_primary=True)
    measures.add_measure(author, writeup, name="Review length", kind="balancing", unit="minutes")
    measures.save_points(author, offered, [Row(n + 1, date(2024, n + 1, 1), "month", 20.0 + n * 5)
                                           for n in range(6)])
    cycles.add_cycle(author, writeup, {"change_node": idea, "plan": "Try it in one practice.",
                                       "prediction": "Offers go up.", "study": "They did."})
    return services.publish_writeup(author, writeup)


@pytest.fixture
def replicator(db):
    return f.member(display_name="Rashid Replicator", alliance_slug="north-east-london")


def test_a_replica_starts_as_the_members_own_draft_with_aim_diagram_measures_and_pdsa_template(
        full, replicator):
    replica = replication.replicate_writeup(replicator, full)
    assert replica.author_id == replicator.id and not replica.is_published
    assert replica.replicated_from_id == full.id
    assert replica.aim == full.aim and "<strong>March 2025</strong>" in replica.aim_html
    assert replica.results == "" and replica.learning == ""
    assert replica.alliance.slug == "north-east-london"
    nodes = list(db.session.scalars(select(DriverNode).where(DriverNode.writeup_id == replica.id)
                                    .order_by(DriverNode.depth)))
    assert [(n.depth, n.text) for n in nodes] == [
        (0, "Reviews include an HNA"), (1, "The template prompts it"),
        (2, "Add the checklist to the template")]
    assert nodes[1].parent_id == nodes[0].id and nodes[2].parent_id == nodes[1].id
    copied = list(db.session.scalars(select(Measure).where(Measure.writeup_id == replica.id)
                                     .order_by(Measure.position)))
    assert [(m.name, m.kind, m.unit, m.better, m.target, m.is_primary) for m in copied] == [
        ("HNAs offered", "outcome", "%", "up", 80, True),
        ("Review length", "balancing", "minutes", None, None, False)]
    assert copied[0].definition == "Reviews with an HNA offered, of all reviews."
    assert db.session.scalar(select(DataPoint.id).join(Measure).where(
        Measure.writeup_id == replica.id)) is None  # no data
    cycle = db.session.scalars(select(PdsaCycle).where(PdsaCycle.writeup_id == replica.id)).one()
    assert cycle.change_idea == "Add the checklist to the template"
    assert cycle.change_node_id == nodes[2].id
    assert cycle.plan == cycle.prediction == cycle.study == "" and cycle.act is None


def test_the_original_is_unchanged_by_replication(full, replicator):
    before = db.session.scalar(select(DriverNode.id).where(DriverNode.writeup_id == full.id).limit(1))
    replication.replicate_writeup(replicator, full)
    assert db.session.scalar(select(DriverNode.id).where(DriverNode.writeup_id == full.id).limit(1)) == before
    points = db.session.scalars(select(DataPoint).join(Measure).where(Measure.writeup_id == full.id))
    assert len(points.all()) == 6


def test_a_draft_cannot_be_replicated_and_a_visitor_cannot_replicate(writeup, author, replicator):
    with pytest.raises(NotFound):
        replication.replicate_writeup(replicator, writeup)
    services.publish_writeup(author, writeup)
    with pytest.raises(NotFound):  # members-only: a visitor is not told it exists
        replication.replicate_writeup(None, writeup)  # type: ignore[arg-type]
    services.make_public(f.admin(), writeup, True)
    with pytest.raises(PermissionDenied):
        replication.replicate_writeup(None, writeup)  # type: ignore[arg-type]


def test_a_hidden_writeup_cannot_be_replicated_even_by_a_moderator(published):
    moderator = f.moderator()
    moderation.hide_writeup(moderator, published, reason="Check the data")
    with pytest.raises(PermissionDenied):
        replication.replicate_writeup(moderator, published)


def test_replica_count_counts_published_replicas_only(full, replicator, author):
    replica = replication.replicate_writeup(replicator, full)
    db.session.refresh(full)
    assert full.replica_count == 0  # a draft
    services.edit_writeup(replicator, replica, {"summary": "Our version in NEL."})
    services.publish_writeup(replicator, replica)
    db.session.refresh(full)
    assert full.replica_count == 1
    moderator = f.moderator()
    moderation.hide_writeup(moderator, replica, reason="Names a patient")
    db.session.refresh(full)
    assert full.replica_count == 0
    moderation.restore_writeup(moderator, replica)
    db.session.refresh(full)
    assert full.replica_count == 1
    services.unpublish_writeup(replicator, replica)
    db.session.refresh(full)
    assert full.replica_count == 0


def publish_replica(original: WriteUp, member, summary: str = "Our version.") -> WriteUp:
    replica = replication.replicate_writeup(member, original)
    services.edit_writeup(member, replica, {"summary": summary})
    return services.publish_writeup(member, replica)


def test_lineage_shows_both_ways_and_lists_only_published_readable_replicas(full, replicator):
    published = publish_replica(full, replicator)
    draft = replication.replicate_writeup(f.member(), full)
    reader = f.member()
    original_side = lineage_context(reader, full)
    assert [w.id for w in original_side["replicas"]] == [published.id]
    assert draft.id not in [w.id for w in original_side["replicas"]]
    assert lineage_context(reader, published)["replicated_from"].id == full.id
    # The original hidden: the replica no longer points readers at it.
    moderation.hide_writeup(f.moderator(), full, reason="Under review")
    assert lineage_context(reader, published)["replicated_from"] is None
    # Members-only replicas are not listed for visitors.
    services.make_public(f.admin(), full, True)
    assert lineage_context(None, full)["replicas"] == []


def test_the_comparison_draws_each_replicas_primary_measure_beside_the_originals(full, replicator):
    replica = publish_replica(full, replicator)
    offered = db.session.scalars(select(Measure).where(Measure.writeup_id == replica.id,
                                                       Measure.is_primary)).one()
    measures.save_points(replicator, offered, [Row(n + 1, date(2024, 6 + n, 1), "month", 10.0 + n)
                                               for n in range(4)])
    comparisons = lineage_context(f.member(), full)["comparisons"]
    assert [(c.writeup.id, c.is_original) for c in comparisons] == [(full.id, True), (replica.id, False)]
    assert [c.measure.name for c in comparisons] == ["HNAs offered", "HNAs offered"]
    assert [len(c.points) for c in comparisons] == [6, 4]
    chart = comparisons[1].chart
    assert 'role="img"' in chart.svg and [r.value for r in chart.rows][:1] == ["10%"]


def test_the_page_shows_replicated_by_with_alliances_and_settings(full, replicator, client):
    replica = publish_replica(full, replicator)
    reader = f.member()
    f.sign_in(client, reader)
    html = client.get(f"/qi/{full.id}").get_data(as_text=True)
    assert "Replicated by 1 team" in html
    item = re.search(rf'<li id="replica-{replica.id}">(.*?)</li>', html, re.S)
    assert item and "North East London" in item.group(1) and "General practice" in item.group(1)
    assert 'id="compare-list"' in html
    back = client.get(f"/qi/{replica.id}").get_data(as_text=True)
    assert f'href="/qi/{full.id}"' in back and "This project replicates" in back


def test_replicate_this_project_is_a_post_that_opens_the_new_draft(full, replicator, client):
    f.sign_in(client, replicator)
    assert client.get(f"/qi/{full.id}/replicate").status_code == 405
    page = client.get(f"/qi/{full.id}").get_data(as_text=True)
    assert 'id="replicate-button"' in page
    response = client.post(f"/qi/{full.id}/replicate")
    replica = db.session.scalars(select(WriteUp).where(WriteUp.replicated_from_id == full.id)).one()
    assert response.status_code == 303 and response.location.endswith(f"/qi/{replica.id}/edit")


def test_visitors_see_no_replicate_button_and_cannot_post_it(full, client):
    services.make_public(f.admin(), full, True)
    assert 'id="replicate-button"' not in client.get(f"/qi/{full.id}").get_data(as_text=True)
    response = client.post(f"/qi/{full.id}/replicate")
    assert response.status_code in (302, 303) and "/login" in response.location


def test_the_page_keeps_a_constant_number_of_queries_for_1_and_5_replicas(full, count_queries, client):
    reader = f.member()
    f.sign_in(client, reader)
    publish_replica(full, f.member())
    with count_queries() as one:
        client.get(f"/qi/{full.id}")
    for _ in range(4):
        publish_replica(full, f.member())
    with count_queries() as five:
        client.get(f"/qi/{full.id}")
    assert five.count == one.count


# --- We tried this ------------------------------------------------------------------------

def test_a_member_marks_it_tried_once_with_a_note_and_the_counter_follows(published, outsider):
    tried = replication.mark_tried(outsider, published, note="We did this in **Haringey**.")
    assert tried.note_html.strip() == "<p>We did this in <strong>Haringey</strong>.</p>"
    db.session.refresh(published)
    assert published.tried_count == 1
    with pytest.raises(InvalidInput):
        replication.mark_tried(outsider, published, note="Again")
    db.session.refresh(published)
    assert published.tried_count == 1
    replication.edit_tried(outsider, db.session.get(TriedIt, tried.id), note="Changed")
    replication.remove_tried(outsider, db.session.get(TriedIt, tried.id))
    db.session.refresh(published)
    assert published.tried_count == 0


def test_only_the_note_writer_can_change_or_remove_it(published, outsider):
    tried = replication.mark_tried(outsider, published, note="")
    with pytest.raises(PermissionDenied):
        replication.edit_tried(f.member(), tried, note="Not mine")
    with pytest.raises(PermissionDenied):
        replication.remove_tried(f.member(), tried)


def test_the_team_and_readers_of_a_draft_cannot_mark_it_tried(writeup, author, outsider):
    with pytest.raises(PermissionDenied):
        replication.mark_tried(outsider, writeup)  # a draft
    services.publish_writeup(author, writeup)
    with pytest.raises(PermissionDenied):
        replication.mark_tried(author, writeup)  # their own


def test_a_tried_note_is_sanitised_and_too_long_a_note_is_refused(published, outsider):
    with pytest.raises(InvalidInput) as error:
        replication.mark_tried(outsider, published, note="x" * 1001)
    assert error.value.field == "note"
    tried = replication.mark_tried(outsider, published, note="<script>alert(1)</script>ok")
    assert "<script" not in tried.note_html


def test_the_tried_form_runs_the_patient_data_guard_and_keeps_the_text(published, outsider, client):
    f.sign_in(client, outsider)
    note = "We saw Mrs Smith, NHS number 943 476 5919, in clinic."
    html = client.post(f"/qi/{published.id}/tried", data={"note": note}).get_data(as_text=True)
    assert 'id="pid-guard"' in html and "943 476 5919" in html
    assert db.session.scalar(select(TriedIt.id)) is None
    response = client.post(f"/qi/{published.id}/tried", data={"note": "It worked for us."})
    assert response.status_code == 303
    page = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert "It worked for us." in page and "We tried this (1)" in page and 'id="remove-tried"' in page


def test_a_confirmed_tried_note_is_saved_and_the_moderators_trail_says_so(published, outsider, client):
    from forum.moderation.guard import CONFIRM_FIELD, CONFIRM_VALUE
    from forum.moderation.models import AuditEntry

    f.sign_in(client, outsider)
    note = "We used the test number 943 476 5919 in training."
    response = client.post(f"/qi/{published.id}/tried", data={"note": note, CONFIRM_FIELD: CONFIRM_VALUE})
    assert response.status_code == 303
    assert db.session.scalars(select(TriedIt)).one().note == note
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "qi_writeup")).one()
    assert "We tried this" in entry.reason


def test_the_tried_page_is_refused_to_the_team_and_to_visitors(published, author, client):
    f.sign_in(client, author)
    assert client.get(f"/qi/{published.id}/tried").status_code == 403
    assert client.post(f"/qi/{published.id}/tried", data={"note": "Ours"}).status_code == 403
    client.post("/logout")
    response = client.post(f"/qi/{published.id}/tried", data={"note": "Anon"})
    assert response.status_code in (302, 303) and "/login" in response.location
    assert db.session.scalar(select(TriedIt.id)) is None
