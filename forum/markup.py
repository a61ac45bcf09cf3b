"""The one place Markdown becomes HTML: markdown-it renders, Bleach cleans and linkifies."""

from __future__ import annotations

import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

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


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Every link a member writes is marked as user content and opens no window handle."""
    href = attrs.get((None, "href"), "")
    if href.startswith(("#", "/")) and not href.startswith("//"):
        attrs.pop((None, "rel"), None)  # our own pages: no need to disown them
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])


def _shift_headings(tokens, by: int) -> None:
    """Page headings are h1/h2; a post's headings start at h3 so the outline stays in order."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + by)
            token.tag = f"h{level}"


def clean(html: str) -> str:
    """Bleach with our allow-list; idempotent, so cleaning its own output changes nothing."""
    return _cleaner.clean(html)


def render(source: str, *, first_heading: int = 3) -> str:
    """Markdown source to safe HTML, run once at write time and stored beside the source.

    `first_heading` is the level a `#` heading becomes: 3 in posts, 2 on the site's own pages
    (forum/pages), whose only h1 is their title. Raw HTML is never passed through, so h2
    reaches a post by no route."""
    source = source.replace("\x00", "")
    tokens = _md.parse(source)
    _shift_headings(tokens, max(2, min(6, first_heading)) - 1)
    html = _md.renderer.render(tokens, _md.options, {})
    return clean(html)


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def to_text(body_html: str) -> str:
    """Plain text of HTML that `render` made (so its tags are well formed), for search
    documents and snippets: tags become spaces, entities characters. A regex, not a parser:
    the search rebuild runs this on every post."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body_html))).strip()
