"""The one place Markdown becomes HTML: markdown-it renders, Bleach cleans and linkifies."""

from __future__ import annotations

import html
import re
import threading
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "del", "s", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "ol": ["start"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# What rendering may cost. Parsing and cleaning take time in proportion to the characters,
# the lines and, above all, the formatting characters (50,000 "[" took a second; a table of
# 5,000 cells two): these limits keep any input to a few tens of milliseconds, and are ten
# times what a long, heavily formatted real post uses (a 30-row table, a hundred links).
MAX_SOURCE = 50_000
MAX_LINES = 1_000
FORMATTING = "[]*_`<|&!~"
MAX_FORMATTING = 2_000
# Quotes and lists inside one another. markdown-it silently drops what lies deeper than its
# maxNesting (20 tokens: a list level takes two), so refuse before it would.
MAX_NESTING = 8
_CONTAINERS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open"})


class TooComplex(ValueError):
    """Input past the rendering limits; the message says which, in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Every link a member writes is marked as user content and opens no window handle."""
    href = attrs.get((None, "href"), "")
    if href.startswith(("#", "/")) and not href.startswith("//"):
        attrs.pop((None, "rel"), None)  # our own pages: no need to disown them
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _image_as_link(self, tokens, idx, options, env) -> str:
    """An image is shown as a link to it ("Image: alt text"), never loaded: an external image
    would tell a third party who reads a members-only post. (Uploads may change this.)"""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<a href="{escapeHtml(str(src))}"{title_attr}>Image: {escapeHtml(alt)}</a>'


class _Tools(threading.local):
    """A parser and a cleaner per thread: Bleach's Cleaner (html5lib's tokenizer and tree
    walker) keeps the document being cleaned on itself, so one shared between the threads of
    a threaded server mixed one member's post into another's. Each thread builds its own on
    first use (a fraction of a millisecond); nothing mutable is shared."""

    def __init__(self) -> None:
        self.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
        )
        self.md = MarkdownIt("commonmark", {"html": False, "linkify": False,
                                            "typographer": False})
        self.md.enable(["table", "strikethrough"])
        self.md.add_render_rule("image", _image_as_link)


_tools = _Tools()


def _shift_headings(tokens, first: int = 3) -> None:
    """Page headings are h1/h2, so a post's headings start at h3 (`first`), and the levels it
    uses are closed up (a post whose only headings are ### and ##### gets h3 and h4), so the
    page's outline never skips a level whatever the writer picked."""
    used = sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"})
    level_of = {level: f"h{min(6, first + rank)}" for rank, level in enumerate(used)}
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = level_of[int(token.tag[1])]


def clean(html: str) -> str:
    """Bleach with our allow-list; idempotent, so cleaning its own output changes nothing."""
    return _tools.cleaner.clean(html)


def _parse(source: str) -> list:
    """Markdown tokens, or TooComplex before any costly work is done."""
    if len(source) > MAX_SOURCE:
        raise TooComplex(f"Message must be {MAX_SOURCE:,} characters or fewer")
    if source.count("\n") >= MAX_LINES:
        raise TooComplex(f"Message must be {MAX_LINES:,} lines or fewer. "
                         "Split it into more than one post")
    if sum(map(source.count, FORMATTING)) > MAX_FORMATTING:
        raise TooComplex(
            f"Message has more than {MAX_FORMATTING:,} formatting characters "
            f"({' '.join(FORMATTING)}). Remove some formatting, or split it into more than one post")
    tokens = _tools.md.parse(source)
    depth = deepest = 0
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.nesting == -1 and token.type.replace("_close", "_open") in _CONTAINERS:
            depth -= 1
    if deepest > MAX_NESTING:
        raise TooComplex(f"Quotes and lists can go {MAX_NESTING} levels deep inside one "
                         "another. Take out some levels")
    return tokens


def problem(source: str) -> str | None:
    """Why `source` cannot be rendered (past a limit above), or None: forms and services
    check with this before saving, so the writer sees the message beside the field."""
    try:
        _parse(source.replace("\x00", ""))
    except TooComplex as error:
        return error.message
    return None


def render(source: str, *, first_heading: int = 3) -> str:
    """Markdown source to safe HTML, run once at write time and stored beside the source.

    `first_heading` is the level a post's top heading becomes: 3 in posts, 2 on the site's own
    pages (forum/pages), whose only h1 is their title. Raw HTML is never passed through, so h2
    reaches a post by no route. Raises TooComplex for input past the limits (check `problem`
    first)."""
    source = source.replace("\x00", "")
    md = _tools.md
    tokens = _parse(source)
    _shift_headings(tokens, max(2, min(6, first_heading)))
    html = md.renderer.render(tokens, md.options, {})
    return clean(html)


def as_plain_text(source: str) -> str:
    """Source shown as written, escaped, for stored text past today's limits (from before
    them): costs no more than the text's length."""
    paragraphs = re.split(r"\n\s*\n", source.replace("\x00", "").strip())
    return "\n".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>"
                     for p in paragraphs if p)


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def to_text(body_html: str) -> str:
    """Plain text of HTML that `render` made (so its tags are well formed), for search
    documents and snippets: tags become spaces, entities characters. A regex, not a parser:
    the search rebuild runs this on every post."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body_html))).strip()


_SEGMENTS = re.compile(r"(<[^>]*>)")
_NO_LINKS_IN = frozenset({"a", "code", "pre"})


def _linker(by_text: dict[str, str]):
    def link(match: re.Match) -> str:
        href = escapeHtml(by_text[match.group(1).casefold()])
        return f'<a href="{href}">@{match.group(1)}</a>'
    return link


def link_mentions(body_html: str, links: dict[str, str]) -> str:
    """Make each `@Name` in the text of `render`'s HTML a link (`links`: name -> our own
    path, e.g. a profile), outside links and code. The result is cleaned again, so nothing
    outside the allow-list can come through."""
    if not links:
        return body_html
    names = sorted(links, key=len, reverse=True)
    pattern = re.compile("@(" + "|".join(re.escape(escapeHtml(n)) for n in names) + r")(?!\w)",
                         re.IGNORECASE)
    by_text = {escapeHtml(n).casefold(): links[n] for n in names}
    out, inside = [], 0
    for segment in _SEGMENTS.split(body_html):
        if segment.startswith("<"):
            tag = segment.strip("</>").split(None, 1)[0].lower() if segment.strip("</>") else ""
            if tag in _NO_LINKS_IN:
                inside += -1 if segment.startswith("</") else 1
            out.append(segment)
        elif inside or "@" not in segment:
            out.append(segment)
        else:
            out.append(pattern.sub(_linker(by_text), segment))
    return clean("".join(out))
