"""Measure services: who may change them, what they keep, and the search outbox row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.outbox import OutboxMessage
from forum.qi import measures as services
from forum.qi.measure_queries import marker_index, measures_context
from forum.qi.models import DataPoint, Measure
from forum.qi.series import Row, parse_text
from tests import factories
from tests.qi.data_factories import cycle, measure, writeup


def _qi_rows(writeup_id: int) -> int:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "search"))
    return sum(1 for r in rows if r.payload == {"kind": "qi", "id": writeup_id})


def test_adding_a_measure_renders_its_definition_and_queues_search(db):
    author = factories.member()
    item = writeup(author)
    made = services.add_measure(author, item, name="  HNA   offered ", kind="process",
                                definition="Count of **offered**", unit="%", better="up",
                                target=80.0, chart="spc")
    assert made.name == "HNA offered" and made.position == 1
    assert "<strong>offered</strong>" in made.definition_html
    assert _qi_rows(item.id) == 1


@pytest.mark.parametrize(("kw", "field"), [
    ({"name": "   "}, "name"), ({"name": "x" * 201}, "name"), ({"kind": "other"}, "kind"),
    ({"better": "sideways"}, "better"), ({"chart": "pie"}, "chart")])
def test_bad_measure_fields_are_refused_on_their_field(db, kw, field):
    author = factories.member()
    item = writeup(author)
    kw.setdefault("name", "Ok")
    with pytest.raises(InvalidInput) as raised:
        services.add_measure(author, item, **kw)
    assert raised.value.field == field


def test_only_the_author_and_coauthors_change_measures(db):
    author, coauthor, teammate, other = (factories.member() for _ in range(4))
    item = writeup(author, coauthors=(coauthor,), team=(teammate,))
    assert services.add_measure(coauthor, item, name="By a co-author")
    for someone in (teammate, other, factories.moderator()):
        with pytest.raises(PermissionDenied):
            services.add_measure(someone, item, name="Not allowed")


def test_one_primary_measure_at_a_time(db):
    author = factories.member()
    item = writeup(author)
    first = measure(author, item, name="A", is_primary=True)
    second = measure(author, item, name="B", is_primary=True)
    db.session.refresh(first)
    assert (first.is_primary, second.is_primary) == (False, True)


def test_moving_and_deleting_keep_a_tidy_order(db):
    author = factories.member()
    item = writeup(author)
    a, _b, c = (measure(author, item, name=n, points=3) for n in "ABC")
    services.move_measure(author, c, up=True)
    services.move_measure(author, a, up=True)  # already first: stays
    order = lambda: [m.name for m in db.session.scalars(  # noqa: E731
        select(Measure).where(Measure.writeup_id == item.id).order_by(Measure.position))]
    assert order() == ["A", "C", "B"]
    marked = cycle(item, c, started_on=date(2020, 1, 1), rebase=True)
    services.delete_measure(author, c)
    assert order() == ["A", "B"]
    db.session.refresh(marked)
    assert (marked.measure_id, marked.rebase) == (None, False)
    assert db.session.scalar(select(DataPoint.id).where(DataPoint.measure_id == c.id)) is None


def test_saving_points_adds_updates_or_replaces(db):
    author = factories.member()
    item = writeup(author)
    made = measure(author, item)
    first = parse_text("2024-01-01\t1\tstart\n2024-02-01\t2\n")
    assert services.save_points(author, made, first.rows) == (2, 0)
    second = parse_text("2024-02-01\t5\n2024-03-01\t3\n")
    assert services.save_points(author, made, second.rows) == (1, 1)
    values = lambda: [(p.period.month, p.value) for p in db.session.scalars(  # noqa: E731
        select(DataPoint).where(DataPoint.measure_id == made.id).order_by(DataPoint.period))]
    assert values() == [(1, 1.0), (2, 5.0), (3, 3.0)]
    assert services.save_points(author, made, parse_text("2025-01-01\t9").rows, replace=True) == (1, 0)
    assert values() == [(1, 9.0)]


def test_a_points_note_is_rendered_through_markup(db):
    author = factories.member()
    made = measure(author, writeup(author))
    services.save_points(author, made, [Row(1, date(2024, 1, 1), "day", 1.0,
                                            "<script>alert(1)</script> *new* form")])
    point = db.session.scalars(select(DataPoint).where(DataPoint.measure_id == made.id)).one()
    assert "<script>" not in point.note_html and "<em>new</em>" in point.note_html


def test_editing_a_point_onto_another_date_is_refused(db):
    author = factories.member()
    made = measure(author, writeup(author), points=2)
    first, second = db.session.scalars(
        select(DataPoint).where(DataPoint.measure_id == made.id).order_by(DataPoint.period))
    with pytest.raises(InvalidInput) as raised:
        services.edit_point(author, second, period=first.period, period_kind="day", value=1, note="")
    assert raised.value.field == "period"
    services.edit_point(author, second, period=date(2030, 1, 1), period_kind="day", value=-4.5,
                        note="moved")
    assert (second.period, second.value, second.note) == (date(2030, 1, 1), -4.5, "moved")
    services.delete_point(author, first)
    assert len(measures_context(author, made.writeup)["measures"][0].points) == 1


def test_cycles_mark_the_first_point_on_or_after_they_started(db):
    assert marker_index([date(2024, 1, 1), date(2024, 2, 1)], date(2024, 1, 15)) == 1
    assert marker_index([date(2024, 1, 1), date(2024, 2, 1)], date(2023, 1, 1)) == 0
    assert marker_index([date(2024, 1, 1)], date(2025, 1, 1)) is None
    author = factories.member()
    item = writeup(author)
    made = measure(author, item, points=20)  # weekly from 1 Jan 2020
    cycle(item, made, started_on=date(2020, 2, 1), rebase=True)
    cycle(item, made, started_on=date(2019, 1, 1), rebase=True)  # at the first point: no rebase
    view = measures_context(author, item)["measures"][0]
    assert [m.index for m in view.markers] == [0, 5]
    assert view.rebase_at == [5] and view.chart_kind == "spc"


def test_auto_chart_is_a_run_chart_under_twelve_points(db):
    author = factories.member()
    item = writeup(author)
    measure(author, item, points=11)
    measure(author, item, points=12)
    measure(author, item, points=30, chart="run")
    kinds = [v.chart_kind for v in measures_context(author, item)["measures"]]
    assert kinds == ["run", "spc", "run"]


def test_a_change_draws_the_chart_once_and_the_page_uses_it_while_nothing_changed(db, app):
    author = factories.member()
    item = writeup(author)
    made = measure(author, item, points=15)
    view = measures_context(author, item)["measures"][0]
    assert made.chart_key == view.chart_key and 'role="img"' in made.chart_html
    assert str(view.chart_html) == made.chart_html
    made.chart_html = "<p>drawn earlier</p>"  # the stored drawing is what the page shows
    db.session.commit()
    assert str(measures_context(author, item)["measures"][0].chart_html) == "<p>drawn earlier</p>"
    cycle(item, made, started_on=date(2020, 2, 1))  # marked by another service, not redrawn
    fresh = measures_context(author, item)["measures"][0]
    assert fresh.chart_key != made.chart_key and "chart-marker" in str(fresh.chart_html)
    services.redraw_chart(made)
    db.session.commit()
    assert made.chart_key == fresh.chart_key and "chart-marker" in made.chart_html
