"""The sanitiser: Markdown in, nothing executable out, and Bleach's step is idempotent."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum.markup import ALLOWED_TAGS, clean, render
from tests.markers import same_on_every_database

pytestmark = same_on_every_database  # pure functions: the database plays no part

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ROOT.parent / "shared" / "data" / "xss" / "payloadsallthethings"
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.attrs = attrs


class Collector(HTMLParser):
    """Every start tag with its (unescaped) attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))


def elements(html: str) -> list[Element]:
    parser = Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def _squash(url: str) -> str:
    """What a browser makes of a URL's scheme: whitespace and controls removed, lower case."""
    return "".join(c for c in url if ord(c) > 0x20 and c != "\x7f").lower()


def problems(html: str) -> list[str]:
    """Everything executable or styling that survived, in words."""
    found = []
    for element in elements(html):
        if element.tag == "script":
            found.append("a script element")
        if element.tag not in ALLOWED_TAGS:
            found.append(f"a <{element.tag}> element outside the allow-list")
        for name, value in element.attrs:
            if name.startswith("on"):
                found.append(f"an event handler {name}=")
            if name == "style":
                found.append("a style attribute")
            if name in URL_ATTRIBUTES and _squash(value or "").startswith(BAD_SCHEMES):
                found.append(f"a {value!r} URL in {name}")
    return found


def payload_files() -> list[Path]:
    if not PAYLOADS.is_dir():
        return []
    return sorted(PAYLOADS.glob("*.txt"))


def read_payloads(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.skipif(not PAYLOADS.is_dir(),
                    reason=f"the XSS payload folder {PAYLOADS} is not on this machine")
@pytest.mark.parametrize("path", payload_files(), ids=lambda p: p.name)
def test_no_payload_survives_render(path: Path):
    failures = []
    for payload in read_payloads(path):
        html = render(payload)
        if found := problems(html):
            failures.append(f"{payload!r} -> {html!r}: {', '.join(found)}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.skipif(not PAYLOADS.is_dir(),
                    reason=f"the XSS payload folder {PAYLOADS} is not on this machine")
@pytest.mark.parametrize("path", payload_files(), ids=lambda p: p.name)
def test_cleaning_is_idempotent_on_every_payload(path: Path):
    failures = [payload for payload in read_payloads(path)
                if clean(render(payload)) != render(payload)]
    assert not failures, "\n".join(repr(p) for p in failures[:20])


@pytest.mark.skipif(not PAYLOADS.is_dir(),
                    reason=f"the XSS payload folder {PAYLOADS} is not on this machine")
def test_the_payload_folder_is_not_empty():
    assert sum(len(read_payloads(p)) for p in payload_files()) > 1000


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '[x](<javascript:alert(1)>)',
    "<<script>script>alert(1)<</script>/script>",
    "\x00<script>alert(1)</script>",
])
def test_known_attacks_are_neutralised(source: str):
    assert problems(render(source)) == []


def test_the_problem_finder_can_fail():
    """The checks above would notice each kind of executable markup."""
    assert "a script element" in problems("<script>x</script>")
    assert any("event handler" in p for p in problems('<p onclick="x">'))
    assert any("URL in href" in p for p in problems('<a href=" JavaScript:x">'))
    assert "a style attribute" in problems('<p style="x">')


def test_links_are_marked_as_member_content():
    html = render("[NHS](https://www.nhs.uk/conditions/cancer/)")
    (link,) = [e for e in elements(html) if e.tag == "a"]
    attrs = dict(link.attrs)
    assert attrs["href"] == "https://www.nhs.uk/conditions/cancer/"
    assert attrs["rel"] == "nofollow ugc noopener"


def test_bare_urls_become_links():
    html = render("See https://www.england.nhs.uk/cancer/ for more.")
    (link,) = [e for e in elements(html) if e.tag == "a"]
    assert dict(link.attrs)["href"] == "https://www.england.nhs.uk/cancer/"
    assert dict(link.attrs)["rel"] == "nofollow ugc noopener"


def test_mailto_links_are_allowed():
    html = render("[write to us](mailto:team@nhs.net)")
    assert 'href="mailto:team@nhs.net"' in html


@pytest.mark.parametrize("source", ["# Title", "## Title", "### Title", "###### Title"])
def test_headings_start_below_the_page_headings(source: str):
    assert [e.tag for e in elements(render(source))] == ["h3"]


@pytest.mark.parametrize(("source", "tags"), [
    ("# A\n\n## B\n\n### C", ["h3", "h4", "h5"]),
    ("### A\n\n##### B\n\n### C", ["h3", "h4", "h3"]),  # closed up: no level skipped
    ("## A\n\n# B", ["h4", "h3"]),
    ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", ["h3", "h4", "h5", "h6", "h6"]),
])
def test_a_posts_heading_levels_never_skip_one(source: str, tags: list[str]):
    assert [e.tag for e in elements(render(source))] == tags


def test_the_allowed_formatting_survives():
    source = "**bold** _em_ `code`\n\n> quote\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    tags = {e.tag for e in elements(render(source))}
    assert {"strong", "em", "code", "blockquote", "ul", "li", "table", "td"} <= tags


def test_raw_html_is_shown_as_text_not_markup():
    html = render("<b>not bold</b>")
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def test_an_image_becomes_a_link_with_its_alt_text():
    """No <img>: a third party's server would see who reads a members-only post."""
    html = render('See ![A run chart of waits](https://example.org/chart.png "Waits").')
    assert "<img" not in html
    (link,) = [e for e in elements(html) if e.tag == "a"]
    assert dict(link.attrs) == {"href": "https://example.org/chart.png", "title": "Waits",
                                "rel": "nofollow ugc noopener"}
    assert ">Image: A run chart of waits</a>" in html


def test_an_image_without_alt_text_is_named_by_its_address():
    html = render("![](https://example.org/x.png)")
    assert '>Image: https://example.org/x.png</a>' in html


def test_an_image_alt_text_is_escaped():
    html = render("![<script>alert(1)</script> & **more**](https://example.org/x.png)")
    assert problems(html) == []
    assert "Image: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</a>" in html
