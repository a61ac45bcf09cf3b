"""What rendering may cost is bounded: pathological input is refused with a message, the worst
input within the limits renders, and real writing never meets them. How fast is measured by
bench/render_worst.py (CPU time is a figure for the bench, not an assertion that fails under load)."""

from __future__ import annotations

import json

import pytest

from bench.render_worst import AT_LIMITS
from forum.demo import THREADS
from forum.markup import TooComplex, problem, render
from tests.conftest import SHARED_DATA

PATHOLOGICAL = {
    "50,000 [": ("[" * 50_000, "formatting characters"),
    "images": ("![" * 25_000, "formatting characters"),
    "emphasis": ("*a" * 25_000, "formatting characters"),
    "tags": ("<a" * 25_000, "formatting characters"),
    "wide table": ("|a" * 100 + "|\n" + "|-" * 100 + "|\n" + ("|x" * 100 + "|\n") * 200,
                   "formatting characters"),
    "list lines": ("- a\n" * 12_500, "lines or fewer"),
    "fences": ("```\n" * 12_500, "lines or fewer"),
    # markdown-it silently drops what lies past its nesting limit: refuse instead.
    "deep quotes": (">" * 30 + " the words that would be lost", "levels deep"),
    "deep lists": ("".join("  " * i + f"- level {i}\n" for i in range(12)), "levels deep"),
    "too long": ("word " * 10_001, "50,000 characters or fewer"),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_is_refused_at_once_with_a_message(name):
    source, message = PATHOLOGICAL[name]
    assert message in (problem(source) or "")
    with pytest.raises(TooComplex):
        render(source)


@pytest.mark.parametrize("name", AT_LIMITS)
def test_the_worst_input_within_the_limits_renders(name):
    source = AT_LIMITS[name]()
    assert problem(source) is None
    html = render(source)  # about 0.1 s of CPU on a laptop core: bench/render_worst.py
    assert html.strip() and "<script" not in html


def _strings(value):
    """Every text in the demo's nested (thread, replies) tuples."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def test_real_writing_never_meets_the_limits():
    with open(SHARED_DATA / "medquad" / "medquad_cancergov.jsonl", encoding="utf-8") as fh:
        answers = [json.loads(line)["answer"] for line in fh]
    posts = list(_strings(THREADS))
    texts = [a[:50_000] for a in answers] + posts
    assert len(texts) > 700
    refused = [t[:60] for t in texts if problem(t)]
    assert refused == []


def test_a_table_and_links_as_members_write_them_render():
    rows = "\n".join(f"| Week {n} | [leaflet {n}](https://nhs.uk/a_{n}?x=1&y=2) | **{n}** |"
                     for n in range(60))
    source = "| Week | Link | Seen |\n|---|---|---|\n" + rows + "\n\n" + "\n".join(
        f"- step _{n}_" for n in range(100))
    assert problem(source) is None
    assert render(source).count("<tr>") == 61
