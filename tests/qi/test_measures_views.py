"""Measure pages: input kept on error, wrong rows listed, nothing saved until fixed or dropped,
permissions, and a constant number of queries for the measures however many there are."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.qi.models import DataPoint, Measure
from tests import factories
from tests.factories import sign_in
from tests.qi.data_factories import measure, writeup


def _points(made: Measure) -> list[tuple[str, float, str]]:
    return [(p.period.isoformat(), p.value, p.note) for p in db.session.scalars(
        select(DataPoint).where(DataPoint.measure_id == made.id).order_by(DataPoint.period))]


@pytest.fixture
def setup(client, db):
    author = factories.member()
    item = writeup(author)
    made = measure(author, item, name="HNA offered")
    sign_in(client, author)
    return author, item, made


def test_adding_a_measure_keeps_the_input_when_the_name_is_missing(client, setup):
    _, item, _ = setup
    response = client.post(f"/qi/{item.id}/measures/new", data={
        "name": "", "kind": "process", "definition": "All *adults* seen", "unit": "%",
        "better": "up", "target": "80", "chart": "auto"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter the measure&#39;s name" in page or "Enter the measure's name" in page
    assert "All *adults* seen" in page and 'value="80"' in page


def test_adding_a_measure_then_lands_on_its_data(client, setup):
    _, item, _ = setup
    response = client.post(f"/qi/{item.id}/measures/new", data={
        "name": "Time to referral", "kind": "outcome", "better": "down", "chart": "auto"})
    assert response.status_code == 302 and "/data" in response.headers["Location"]
    made = db.session.scalars(select(Measure).where(Measure.name == "Time to referral")).one()
    assert made.better == "down" and made.target is None


def test_a_definition_with_patient_data_asks_first(client, setup):
    _, _, made = setup
    data = {"name": "HNA", "kind": "outcome", "better": "", "chart": "auto",
            "definition": "Like Mrs Smith, NHS number 943 476 5919"}
    response = client.post(f"/qi/measures/{made.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "pid-guard" in page
    assert "In your operational definition:" in page
    assert db.session.get(Measure, made.id).definition == ""
    response = client.post(f"/qi/measures/{made.id}/edit", data={**data, "pid_confirmed": "yes"})
    assert response.status_code == 302


def test_pasting_rows_with_errors_saves_nothing_and_keeps_the_text(client, setup):
    _, _, made = setup
    text = "Month\tValue\nJan-24\t5\nFeb-24\tlots\nMar-24\t7\n"
    response = client.post(f"/qi/measures/{made.id}/data?mode=paste", data={"paste-text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing has been saved yet" in page and "“lots” is not a number" in page
    assert "Feb-24\tlots" in page  # the text stays in the box
    assert "Drop this row and save the rest" in page
    assert _points(made) == []
    response = client.post(f"/qi/measures/{made.id}/data?mode=paste",
                           data={"paste-text": text, "drop": "1"})
    assert response.status_code == 302
    assert _points(made) == [("2024-01-01", 5.0, ""), ("2024-03-01", 7.0, "")]
    saved = client.get(f"/qi/measures/{made.id}/data").get_data(as_text=True)
    assert "Saved data (2 points)" in saved and "January 2024" in saved and "March 2024" in saved


def test_row_by_row_entry_adds_rows_without_javascript(client, setup):
    _, _, made = setup
    mode = "rows"
    form = {"period": ["01/03/2024", ""], "value": ["4", ""], "note": ["first", ""],
            "more": "1"}
    page = client.post(f"/qi/measures/{made.id}/data?mode={mode}", data=form).get_data(as_text=True)
    assert page.count('name="period"') == 3 and 'value="01/03/2024"' in page
    del form["more"]
    form.update(period=["01/03/2024", "02/03/2024", "x"], value=["4", "5", "6"], note=["first", "", ""])
    response = client.post(f"/qi/measures/{made.id}/data?mode={mode}", data=form)
    assert response.status_code == 422 and "series-entry__row--error" in response.get_data(as_text=True)
    form["period"][2] = "03/03/2024"
    assert client.post(f"/qi/measures/{made.id}/data?mode={mode}", data=form).status_code == 302
    assert [p[:2] for p in _points(made)] == [("2024-03-01", 4.0), ("2024-03-02", 5.0),
                                              ("2024-03-03", 6.0)]


def test_a_windows_1252_csv_upload_is_saved(client, setup):
    _, _, made = setup
    data = "Date;Value;Note\n01/03/2024;12,5;Caf\u00e9 clinic\n02/03/2024;13;\n".encode("cp1252")
    response = client.post(f"/qi/measures/{made.id}/data?mode=upload", data={
        "upload-file": (io.BytesIO(data), "series.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert _points(made) == [("2024-03-01", 12.5, "Caf\u00e9 clinic"), ("2024-03-02", 13.0, "")]


def test_a_csv_with_wrong_rows_comes_back_in_the_paste_box(client, setup):
    _, _, made = setup
    data = b"Date,Value\n2024-01-01,1\n2024-01-01,2\n"
    response = client.post(f"/qi/measures/{made.id}/data?mode=upload", data={
        "upload-file": (io.BytesIO(data), "series.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is also on row 2" in page
    assert "2024-01-01,2" in page and _points(made) == []


def test_a_binary_file_as_csv_gets_a_message_beside_the_field(client, setup):
    _, _, made = setup
    response = client.post(f"/qi/measures/{made.id}/data?mode=upload", data={
        "upload-file": (io.BytesIO(b"MZ\x90\x00\x03\x00\x00" * 50), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="upload-error"' in response.get_data(as_text=True)


def test_a_note_with_patient_data_asks_before_saving(client, setup):
    _, _, made = setup
    mode = "paste"
    form = {"paste-text": "2024-01-01\t1\tSeen: NHS number 943 476 5919\n"}
    response = client.post(f"/qi/measures/{made.id}/data?mode={mode}", data=form)
    assert "pid-guard" in response.get_data(as_text=True) and _points(made) == []
    form["pid_confirmed"] = "yes"
    assert client.post(f"/qi/measures/{made.id}/data?mode={mode}", data=form).status_code == 302
    from forum.moderation.models import AuditEntry
    from forum.qi.services import PID_ACTION

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == PID_ACTION)).one()
    assert entry.target_id == made.writeup_id and "NHS number" in entry.reason


def test_editing_a_point_keeps_input_on_a_bad_value(client, setup):
    author, _, made = setup
    measure_with = measure(author, made.writeup, name="Second", points=2)
    point = db.session.scalars(select(DataPoint).where(DataPoint.measure_id == measure_with.id)).first()
    response = client.post(f"/qi/points/{point.id}/edit",
                           data={"period": "2024-05-01", "value": "twelve", "note": "kept"})
    page = response.get_data(as_text=True)
    assert "“twelve” is not a number" in page and 'value="kept"' in page
    response = client.post(f"/qi/points/{point.id}/edit",
                           data={"period": "May 2024", "value": "12", "note": ""})
    assert response.status_code == 302
    db.session.refresh(point)
    assert (point.period.isoformat(), point.period_kind, point.value) == ("2024-05-01", "month", 12.0)


def _urls(item, made, point_id):
    return [("get", f"/qi/{item.id}/measures/new"), ("post", f"/qi/{item.id}/measures/new"),
            ("get", f"/qi/measures/{made.id}/edit"), ("post", f"/qi/measures/{made.id}/delete"),
            ("post", f"/qi/measures/{made.id}/move"), ("get", f"/qi/measures/{made.id}/data"),
            ("post", f"/qi/measures/{made.id}/data"), ("post", f"/qi/points/{point_id}/edit"),
            ("post", f"/qi/points/{point_id}/delete")]


@pytest.mark.parametrize("published", [True, False])
def test_readers_get_403_and_others_404_and_nothing_changes(client, db, published):
    author = factories.member()
    teammate = factories.member()  # on the team, not a co-author: reads, may not edit
    item = writeup(author, published=published, team=(teammate,))
    made = measure(author, item, points=1)
    point_id = db.session.scalar(select(DataPoint.id))
    outsider = factories.member()
    for user, code in ((teammate, 403), (outsider, 403 if published else 404)):
        sign_in(client, user)
        for method, url in _urls(item, made, point_id):
            assert getattr(client, method)(url).status_code == code, (user, url)
    assert len(_points(made)) == 1 and db.session.get(Measure, made.id) is not None


def test_the_measures_page_is_readable_by_members_and_not_visitors_of_a_draft(client, db):
    author = factories.member()
    item = writeup(author, published=False)
    measure(author, item, points=3, name="Delirium screens")
    assert client.get(f"/qi/{item.id}/measures").status_code == 404
    sign_in(client, factories.member())
    assert client.get(f"/qi/{item.id}/measures").status_code == 404
    sign_in(client, author)
    page = client.get(f"/qi/{item.id}/measures").get_data(as_text=True)
    assert "Delirium screens" in page and "Add a measure" in page


@pytest.mark.parametrize("xss", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_names_and_notes_are_escaped(client, setup, xss):
    author, item, _ = setup
    measure(author, item, name=f"Name {xss}", definition=f"Def {xss}", points=0)
    made = measure(author, item, name="Notes")
    client.post(f"/qi/measures/{made.id}/data?mode=paste", data={"paste-text": f"2024-01-01\t1\t{xss}"})
    page = client.get(f"/qi/{item.id}/measures").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page


def test_the_measures_take_the_same_queries_for_one_or_four(client, db, count_queries, app):
    from forum.qi.measure_queries import measures_context

    counts = []
    for n in (1, 4):
        author = factories.member()
        item = writeup(author)
        for i in range(n):
            made = measure(author, item, name=f"M{i}", points=30)
            if i == 0:
                from datetime import date

                from tests.qi.data_factories import cycle
                cycle(item, made, started_on=date(2020, 3, 1), rebase=True)
        db.session.expire_all()
        with count_queries() as q:
            context = measures_context(author, item)
            sum(len(v.points) for v in context["measures"])
        counts.append(q.count)
        sign_in(client, author)
        with count_queries() as page:
            assert client.get(f"/qi/{item.id}/measures").status_code == 200
        counts.append(page.count)
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_five_thousand_pasted_rows_with_notes_are_saved(client, setup):
    from datetime import date, timedelta

    _, _, made = setup
    start = date(2000, 1, 1)
    text = "\n".join(f"{start + timedelta(days=i)}\t{i % 50}\tA note about what happened on day {i} "
                     f"of the project, long enough to matter in the end" for i in range(5_000))
    assert len(text.encode()) > 500_000  # beyond Flask's usual limit for form text
    response = client.post(f"/qi/measures/{made.id}/data?mode=paste", data={"paste-text": text})
    assert response.status_code == 302 and len(_points(made)) == 5_000


def test_the_page_draws_each_measures_chart_with_its_signals(client, setup):
    author, item, _ = setup
    # 20 weekly points: 10 low then 10 high, a clear shift; higher is better.
    measure(author, item, name="Screened", points=[3, 4, 3, 5, 4, 3, 4, 5, 3, 4,
            9, 10, 9, 11, 10, 9, 10, 11, 9, 10], better="up", unit="%")
    measure(author, item, name="Few", points=[1, 2, 3])
    page = client.get(f"/qi/{item.id}/measures").get_data(as_text=True)
    assert page.count('role="img"') >= 2
    assert "SPC chart (XmR)" in page and "Run chart" in page
    assert "chart-dot--improvement" in page  # the shift's points, coloured as improvement
    assert "What the chart shows" in page


def test_a_rebase_cycle_is_marked_and_recalculates_the_limits(client, setup):
    from datetime import date

    from tests.qi.data_factories import cycle

    author, item, _ = setup
    made = measure(author, item, name="Rebased", points=[5, 6] * 6 + [9, 10] * 6)
    cycle(item, made, started_on=date(2020, 3, 25), rebase=True)
    page = client.get(f"/qi/{item.id}/measures").get_data(as_text=True)
    assert "chart-marker" in page and "PDSA: New template" in page
    assert "limits recalculated from here" in page
    assert page.count('class="chart-ref chart-ref--mean"') == 2  # a mean for each segment


def test_the_write_up_page_shows_the_charts_in_the_same_queries_for_one_or_four(client, db,
                                                                              count_queries):
    counts = []
    for n in (1, 4):
        author = factories.member()
        item = writeup(author)
        for i in range(n):
            measure(author, item, name=f"Measure {i}", points=40)
        sign_in(client, author)
        client.get(f"/qi/{item.id}")
        with count_queries() as q:
            page = client.get(f"/qi/{item.id}").get_data(as_text=True)
        assert page.count('class="qi-measure"') == n and page.count('role="img"') >= n
        counts.append(q.count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("values", [[4.0], [5.0] * 20, [-3.0, -1.5, 0.0, -2.0] * 4, [7.0, 7.0]],
                         ids=["one point", "all equal", "negatives", "two equal"])
def test_awkward_series_draw_a_chart_not_an_error(client, setup, values):
    author, item, _ = setup
    made = measure(author, item, name="Awkward", points=values)
    response = client.get(f"/qi/{item.id}")
    assert response.status_code == 200
    assert f'id="measure-{made.id}-chart"' in response.get_data(as_text=True)


def test_a_csv_over_two_mb_gets_a_message_beside_the_field_not_a_500(client, setup):
    _, _, made = setup
    big = b"2024-01-01,1\n" * (3 * 1024 * 1024 // 13)
    response = client.post(f"/qi/measures/{made.id}/data?mode=upload", data={
        "upload-file": (io.BytesIO(big), "big.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and 'id="upload-error"' in page and "larger than 2 MB" in page
