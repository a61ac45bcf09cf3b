"""forum.charts.svg and forum.qi.drawing: accessible, escaped inline SVG, the data table, and the
qi_chart macro that puts chart, key, findings and table on a page."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from forum.charts.svg import Dot, Marker, RefLine, line_chart, nice_ticks, safe_id
from forum.qi.charts import run_chart, spc
from forum.qi.drawing import chart_view, run_chart_rows, run_chart_svg, spc_rows, spc_svg
from tests.browser.helpers import java, vnu_jar

ROOT = Path(__file__).resolve().parents[2]
NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script>&'
SERIES = [5, 6] * 5 + [5, 30]  # eleven points below the mean (a run), the last above the limit
LABELS = [f"M{i}" for i in range(12)]


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


def focusable(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{NS['s']}}}g") if g.get("tabindex") == "0"]


def test_svg_is_xml_with_role_title_and_desc_stating_the_finding():
    svg = spc_svg(spc(SERIES, better="up"), LABELS, title="Offered HNAs", chart_id="m1")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Offered HNAs"
    assert "11 points in a row below the mean" in desc.text and "above the upper process limit" in desc.text


def test_hostile_labels_are_escaped_everywhere():
    labels = [HOSTILE] * 12
    svg = spc_svg(spc(SERIES, better="up", target=7), labels, title=HOSTILE, unit=HOSTILE,
                  markers=[Marker(3, HOSTILE)], chart_id=HOSTILE)
    assert "<script" not in svg
    root = parse(svg)
    assert root.find("s:title", NS).text == HOSTILE
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert HOSTILE in texts  # shown as text, literally
    assert root.get("id") == safe_id(HOSTILE) and '"' not in root.get("id")


def test_one_focusable_point_with_a_tooltip_per_signal_point():
    result = spc(SERIES, better="up")
    root = parse(spc_svg(result, LABELS, title="t", chart_id="c"))
    points = focusable(root)
    assert len(points) == sum(p.special for p in result.points) == 12
    tips = [g.find("s:title", NS).text for g in points]
    assert tips[-1].startswith("M11: 30.") and "above the upper process limit" in tips[-1]
    # the keyboard's label: one short line, hidden until the stylesheet shows it on focus
    label = points[-1].find("s:g[@class='chart-focus-label']", NS)
    assert label.get("visibility") == "hidden"
    assert label.find("s:text", NS).text == "M11: 30 — Improvement: outside the limits"


def test_kinds_are_told_apart_by_shape():
    values = [10.0] * 14 + [11, 9, 10]
    result = spc(values, better="up")
    root = parse(spc_svg(result, [str(i) for i in range(17)], title="t", chart_id="c"))
    shapes = {}
    for g in root.iter(f"{{{NS['s']}}}g"):
        cls = g.get("class", "")
        if cls.startswith("chart-dot "):
            shape = next(child.tag.split("}")[1] for child in g if not child.tag.endswith("title"))
            shapes.setdefault(cls.split("--")[1], set()).add(shape)
    assert shapes == {"common": {"circle"}, "improvement": {"rect"}, "concern": {"path"}}
    neutral = parse(spc_svg(spc(values), [str(i) for i in range(17)], title="t", chart_id="c"))
    paths = [g for g in focusable(neutral) if "chart-dot--neutral" in g.get("class")]
    assert len(paths) == 2 and all(g.find("s:path", NS) is not None for g in paths)


def test_rebase_draws_each_limit_in_two_segments():
    values = [10, 11, 9] * 4 + [30, 32, 28] * 4
    one = parse(spc_svg(spc(values), [str(i) for i in range(24)], title="t", chart_id="c"))
    two = parse(spc_svg(spc(values, rebase_at=[12]), [str(i) for i in range(24)], title="t", chart_id="c"))

    def segments(root, name):
        return [p for p in root.iter(f"{{{NS['s']}}}path") if f"chart-ref--{name}" in p.get("class", "")]

    for name in ("mean", "upper", "lower"):
        assert len(segments(one, name)) == 1
        spans = [(p.get("data-from"), p.get("data-to")) for p in segments(two, name)]
        assert spans == [("0", "11"), ("12", "23")]


def test_target_and_pdsa_markers_are_drawn():
    svg = spc_svg(spc(SERIES, better="up", target=8), LABELS, title="t", chart_id="c",
                  markers=[Marker(3, "PDSA 1: reminder letter"), Marker(8, "PDSA 2")])
    root = parse(svg)
    assert len([g for g in root.iter(f"{{{NS['s']}}}g") if g.get("class") == "chart-marker"]) == 2
    assert any("chart-ref--target" in p.get("class", "") for p in root.iter(f"{{{NS['s']}}}path"))


def test_one_point_and_all_equal_values_draw():
    for values in ([], [5.0], [3.0] * 12, [-4.0, -2.5, -8.0]):
        labels = [str(i) for i in range(len(values))]
        for root in (parse(spc_svg(spc(values), labels, title="t", chart_id="c")),
                     parse(run_chart_svg(run_chart(values), labels, title="t", chart_id="c"))):
            assert root.get("role") == "img"


def test_run_chart_marks_shift_points_by_better_direction():
    values = [1, 2, 1, 2, 1, 2, 1, 9, 9, 9, 9, 9, 9, 9]
    labels = [f"P{i}" for i in range(14)]
    root = parse(run_chart_svg(run_chart(values), labels, title="t", chart_id="c", better="down"))
    points = focusable(root)
    kinds = [g.get("class").split("--")[1] for g in points]  # median 5.5: seven below, seven above
    assert kinds == ["improvement"] * 7 + ["concern"] * 7
    rows = run_chart_rows(run_chart(values), labels, better="down")
    assert rows[7].signal == "Concern: shift" and rows[0].signal == "Improvement: shift"
    assert run_chart_rows(run_chart([1, 2, 3]), ["a", "b", "c"])[0].signal == ""


def test_table_rows_one_per_point_with_note_and_signal():
    rows = spc_rows(spc(SERIES, better="up"), LABELS, notes=[""] * 11 + ["Audit week"])
    assert len(rows) == 12
    assert rows[-1].period == "M11" and rows[-1].value == "30" and rows[-1].note == "Audit week"
    assert rows[-1].signal == "Improvement: outside the limits"
    assert rows[0].signal == "Concern: 2 of 3 near a limit, run on one side"


def test_ten_thousand_points_draw_without_a_dot_per_plain_point():
    """Speed is bench/spc_bench.py's to measure; here, that a long series stays a line."""
    values = [float(i % 17) for i in range(10_000)]
    svg = spc_svg(spc(values), [str(i) for i in range(10_000)], title="t", chart_id="c")
    assert svg.count("chart-dot--common") == 0


def test_generic_drawer_steps_and_ticks():
    svg = line_chart(chart_id="x", title="t", desc="d", x_labels=["a", "b", "c"], values=[1, 2, 3],
                     dots=[Dot(1, "square", "improvement", tooltip="b!")],
                     lines=[RefLine("mean", "Mean", [1, 1, 3])])
    root = parse(svg)
    assert len([p for p in root.iter(f"{{{NS['s']}}}path") if "chart-ref--mean" in p.get("class", "")]) == 2
    assert nice_ticks(0, 9.5) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(5, 5)[0] < 5 < nice_ticks(5, 5)[-1]


@pytest.fixture
def env() -> Environment:
    return Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(["html"]))


def test_macro_renders_chart_key_findings_and_table(env):
    view = chart_view(SERIES, LABELS, title="HNAs", chart_id="hna", unit="%", better="up", target=8,
                      notes=[HOSTILE] + [""] * 11)
    html = env.from_string('{% from "_macros/charts.html" import qi_chart %}{{ qi_chart(view) }}').render(
        view=view)
    assert html.count("<svg") == 1 + len(view.legend)  # the chart and a symbol per key entry
    assert 'role="img"' in html and "<table" in html and html.count("<tr>") == 13
    assert "What the chart shows" in html and "11 points in a row below the mean" in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "Improvement" in html and "Concern" in html
    assert "the process will" in html  # assurance in words
    assert "Mean 7.5%, process limits 4.84 to 10.16%." in html and "Target</li>" in html
    assert "PDSA" not in html


def test_macro_keys_pdsa_markers_and_rebase(env):
    values = [10, 11, 9] * 4 + [30, 32, 28] * 4
    view = chart_view(values, [f"W{i}" for i in range(24)], title="t", chart_id="c", rebase_at=[12],
                      markers=[Marker(12, "PDSA 3: new clinic")])
    html = env.from_string('{% from "_macros/charts.html" import qi_chart %}{{ qi_chart(view) }}').render(
        view=view)
    assert "Change tested (PDSA cycle)" in html
    assert "The limits were recalculated from W12 after a lasting change." in html


def test_auto_picks_run_chart_under_twelve_points(env):
    assert chart_view([1, 2, 3], ["a", "b", "c"], title="t", chart_id="c").chart_type == "run"
    assert chart_view(list(range(12)), LABELS, title="t", chart_id="c").chart_type == "spc"
    assert chart_view(list(range(12)), LABELS, title="t", chart_id="c", chart_type="run").chart_type == "run"
    with pytest.raises(ValueError):
        chart_view([1], ["a"], title="t", chart_id="c", chart_type="pie")


def test_stylesheet_handles_high_contrast_and_is_linked(client):
    css = (ROOT / "static" / "css" / "charts.css").read_text()
    assert "@media (forced-colors: active)" in css
    assert ".chart-dot[tabindex]:focus .chart-focus-label" in css
    html = client.get("/").get_data(as_text=True)
    assert "css/charts.css" in html


def test_a_page_of_charts_is_valid_html(env, tmp_path):
    """The Nu HTML Checker, as tests/browser/test_html.py runs it, over hostile labels too."""
    jar, runtime = vnu_jar(), java()
    if jar is None or runtime is None:
        pytest.skip("the Nu HTML Checker (vnu-jar) or Java is not installed")
    values = [10, 11, 9] * 4 + [30, 32, 28] * 4
    views = [chart_view(values, [HOSTILE + str(i) for i in range(24)], title=HOSTILE, chart_id="a", unit="%",
                        better="up", target=20, rebase_at=[12], markers=[Marker(12, HOSTILE)],
                        notes=[HOSTILE] * 24),
             chart_view(SERIES[:8], LABELS[:8], title="Run", chart_id="b", better="down")]
    body = env.from_string('{% from "_macros/charts.html" import qi_chart %}'
                           "{% for v in views %}{{ qi_chart(v) }}{% endfor %}").render(views=views)
    page = tmp_path / "charts.html"
    page.write_text('<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Charts</title>'
                    f"</head><body><main>{body}</main></body></html>")
    run = subprocess.run([runtime, "-jar", str(jar), "--format", "json", str(page)], capture_output=True,
                         text=True, timeout=300, check=False)
    errors = [m["message"] for m in json.loads(run.stderr or run.stdout)["messages"] if m["type"] == "error"]
    assert errors == []
