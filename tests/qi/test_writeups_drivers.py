"""The driver diagram and PDSA cycle services: add, edit, reorder, move, delete."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.qi import cycles, drivers, queries, services
from forum.qi.models import DriverNode, Measure


def texts(writeup, parent_id=None):
    return [n.text for n in db.session.scalars(select(DriverNode).where(
        DriverNode.writeup_id == writeup.id,
        DriverNode.parent_id.is_(None) if parent_id is None else DriverNode.parent_id == parent_id,
    ).order_by(DriverNode.position))]


def test_add_builds_a_three_level_tree(author, writeup):
    primary = drivers.add_driver(author, writeup, text="Reviews offer an HNA")
    secondary = drivers.add_driver(author, writeup, text="Template prompts it", parent=primary)
    idea = drivers.add_driver(author, writeup, text="Add HNA to the CCR template", parent=secondary)
    assert (primary.depth, secondary.depth, idea.depth) == (0, 1, 2)
    with pytest.raises(InvalidInput):
        drivers.add_driver(author, writeup, text="Too deep", parent=idea)
    tree = queries.driver_tree(writeup)
    assert tree.roots[0].children[0].children[0].text == "Add HNA to the CCR template"


def test_move_up_and_down_reorders_siblings_only(author, writeup):
    a, _b, c = (drivers.add_driver(author, writeup, text=t) for t in "ABC")
    drivers.move_driver(author, c, "up")
    assert texts(writeup) == ["A", "C", "B"]
    drivers.move_driver(author, a, "up")  # already first: nothing moves
    drivers.move_driver(author, a, "down")
    assert texts(writeup) == ["C", "A", "B"]


def test_reparent_moves_a_box_under_another_driver(author, writeup):
    one = drivers.add_driver(author, writeup, text="One")
    two = drivers.add_driver(author, writeup, text="Two")
    child = drivers.add_driver(author, writeup, text="Child", parent=one)
    drivers.reparent_driver(author, child, two)
    assert texts(writeup, two.id) == ["Child"] and texts(writeup, one.id) == []
    with pytest.raises(InvalidInput):
        drivers.reparent_driver(author, child, child)


def test_delete_takes_the_branch_and_closes_the_gap(author, writeup):
    a, b = drivers.add_driver(author, writeup, text="A"), drivers.add_driver(author, writeup, text="B")
    drivers.add_driver(author, writeup, text="Under A", parent=a)
    drivers.delete_driver(author, a)
    assert texts(writeup) == ["B"]
    assert db.session.scalar(select(DriverNode.position).where(DriverNode.id == b.id)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(DriverNode)) == 1


def test_a_published_diagram_change_keeps_a_revision_with_the_outline(author, published):
    drivers.add_driver(author, published, text="Reviews offer an HNA")
    assert published.revision_count == 2
    assert "- Reviews offer an HNA" in queries.revisions(published)[0].fields["driver_diagram"]


def test_outsiders_cannot_change_the_diagram(author, published, outsider):
    node = drivers.add_driver(author, published, text="A")
    with pytest.raises(PermissionDenied):
        drivers.move_driver(outsider, node, "down")
    with pytest.raises(PermissionDenied):
        drivers.delete_driver(outsider, node)


def test_a_cycle_links_a_change_idea_and_rebases_a_measure(author, writeup):
    primary = drivers.add_driver(author, writeup, text="P")
    idea = drivers.add_driver(author, writeup, text="Idea",
                              parent=drivers.add_driver(author, writeup, text="S", parent=primary))
    measure = Measure(writeup_id=writeup.id, name="HNAs offered")
    db.session.add(measure)
    db.session.commit()
    cycle = cycles.add_cycle(author, writeup, {
        "change_idea": "", "change_node": idea, "plan": "Try it **once**", "act": "adopt",
        "started_on": date(2024, 3, 1), "ended_on": date(2024, 3, 29),
        "measure": measure, "rebase": True})
    assert cycle.change_idea == "Idea" and cycle.rebase and "<strong>" in cycle.plan_html


@pytest.mark.parametrize("fields, field", [
    ({"change_idea": ""}, "change_idea"),
    ({"change_idea": "X", "act": "maybe"}, "act"),
    ({"change_idea": "X", "started_on": date(2024, 3, 2), "ended_on": date(2024, 3, 1)}, "ended_on"),
    ({"change_idea": "X", "rebase": True}, "measure"),
])
def test_bad_cycles_are_refused_beside_the_field(author, writeup, fields, field):
    with pytest.raises(InvalidInput) as error:
        cycles.add_cycle(author, writeup, fields)
    assert error.value.field == field


def test_a_cycle_cannot_use_another_write_ups_change_idea(author, writeup):
    other = services.start_writeup(author, title="Other")
    node = drivers.add_driver(author, other, text="P")
    with pytest.raises(InvalidInput):
        cycles.add_cycle(author, writeup, {"change_idea": "X", "change_node": node})


def test_cycles_edit_and_delete(author, writeup):
    first = cycles.add_cycle(author, writeup, {"change_idea": "First"})
    second = cycles.add_cycle(author, writeup, {"change_idea": "Second"})
    cycles.edit_cycle(author, second, {"change_idea": "Second, adapted", "act": "adapt"})
    cycles.delete_cycle(author, first)
    remaining = queries.cycles(writeup)
    assert [(c.change_idea, c.position) for c in remaining] == [("Second, adapted", 0)]
