"""Visual regression: one post using every Markdown construct looks as written in every place
a post is shown: the opening post, a reply at each depth of the tree (and past the cap), the
flat view, the previews (new discussion, reply, edit), the reply and delete pages, the history,
the moderation queue and a moderation action's context; the search snippet reads as text.

Checked through computed styles, so a stylesheet rule that reaches into post bodies (as the
reply tree's `.post-tree ol` once did, taking the numbers off step-by-step advice) fails here.
No email carries a post's text (emails are links to sign in, verify and reset), so there is no
email place to check.
"""

from __future__ import annotations

import pytest

from .helpers import new_context, same_on_every_database, submit, unique

pytestmark = same_on_every_database

WORD = unique("zorblax")
# Headings start at "#" (a post's h3): "###" first would skip levels after the page's h2.
EVERYTHING = f"""# Before the first visit

A paragraph with **bold**, _italic_, ~~struck out~~, `inline code` and a
[link](https://example.org/guide).

1. Check the referral form {WORD}
2. Measure both arms
   - at the wrist
   - at the elbow
3. Book the follow-up

Then, once the sleeve fits:

3. A list that starts at three
4. and goes on

- a bullet
- another bullet

> Measure first, then change one thing at a time.

```
dose = weight_kg * 2
```

| Week | Patients |
| --- | --- |
| 1 | 12 |

---

![A run chart of waiting times](https://example.org/chart.png)
"""

# Computed styles of each construct inside one .post__body element.
STYLES_JS = """body => {
  const style = (sel) => { const el = body.querySelector(sel); return el ? getComputedStyle(el) : null; };
  const px = (v) => parseFloat(v || '0');
  const ol = body.querySelector('ol'), ul = body.querySelector(':scope > ul');
  const nested = ol && ol.querySelector('ul');
  const p = style(':scope > p'), h = style('h3, h4, h5, h6');
  const image = [...body.querySelectorAll('a')].find(a => a.getAttribute('href') === 'https://example.org/chart.png');
  return {
    ol: ol && getComputedStyle(ol).listStyleType,
    ol_li: ol && getComputedStyle(ol.querySelector('li')).display,
    ol_indent: ol && px(getComputedStyle(ol).paddingLeft) > 0,
    ol_starts: [...body.querySelectorAll('ol')].map(o => o.start),
    ul: ul && getComputedStyle(ul).listStyleType,
    ul_indent: ul && px(getComputedStyle(ul).paddingLeft) > 0,
    nested_ul: nested && getComputedStyle(nested).listStyleType,
    heading: !!h && px(h.fontSize) >= px(p.fontSize) && parseInt(h.fontWeight) >= 600,
    strong: parseInt(style('strong').fontWeight) >= 600,
    em: style('em').fontStyle,
    del: style('s, del') && style('s, del').textDecorationLine,
    code: /mono/i.test(style('p code').fontFamily),
    pre: /mono/i.test(style('pre').fontFamily) && style('pre').whiteSpace,
    blockquote: px(style('blockquote').borderLeftWidth) >= 2,
    table_rules: px(style('th').borderBottomWidth) > 0 && px(style('td').borderBottomWidth) > 0,
    hr: !!body.querySelector('hr'),
    link_rel: body.querySelector('a[href="https://example.org/guide"]').rel,
    image: image ? [image.textContent.trim(), image.rel] : null,
    img_tag: body.querySelectorAll('img').length,
  };
}"""

EXPECTED = {
    "ol": "decimal", "ol_li": "list-item", "ol_indent": True, "ol_starts": [1, 3],
    "ul": "disc", "ul_indent": True, "nested_ul": "circle", "heading": True, "strong": True,
    "em": "italic", "del": "line-through", "code": True, "pre": "pre-wrap", "blockquote": True,
    "table_rules": True, "hr": True, "link_rel": "nofollow ugc noopener",
    "image": ["Image: A run chart of waiting times", "nofollow ugc noopener"], "img_tag": 0,
}


@pytest.fixture(scope="module")
def everywhere(live_server, sample):
    """A thread whose opening post and a chain of four replies all use every construct; the
    third reply is reported, so the moderation queue shows it."""
    import factories
    from sqlalchemy import select

    from forum.discussions.models import Post
    from forum.members.models import User
    from forum.moderation import services as moderation

    with live_server.db() as db:
        author = db.session.get(User, sample.author["id"])
        reader = db.session.get(User, sample.reader["id"])
        thread = factories.thread(author, title=f"Every kind of Markdown {WORD}",
                                  body=EVERYTHING)
        ids, parent = [], None
        for depth in range(4):
            parent = factories.reply(reader if depth % 2 == 0 else author, thread,
                                     reply_to=parent, body=EVERYTHING)
            ids.append(parent.id)
        moderation.report_post(reader, parent, reason="unsafe", detail="Check this dose.")
        opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id,
                                                          Post.is_opening))
        result = {"thread_id": thread.id, "opening": opening, "replies": ids}
    live_server.wait_for_outbox()
    yield result
    with live_server.db() as db:  # leave the moderation queue as the other tests expect it
        moderation.resolve_reports(db.session.get(User, sample.moderator["id"]),
                                   db.session.get(Post, ids[-1]), outcome="dismiss")


@pytest.fixture
def as_role(browser, live_server, signed_in):
    made = []

    def open_(role: str):
        context = new_context(browser, live_server, storage_state=signed_in[role],
                              viewport={"width": 1280, "height": 900})
        made.append(context)
        return context.new_page()

    yield open_
    for context in made:
        context.close()


def check(page, selector: str) -> None:
    body = page.locator(selector)
    assert body.count() == 1, f"{selector} not found on {page.url}"
    found = body.evaluate(STYLES_JS)
    assert {k: v for k, v in found.items() if v != EXPECTED[k]} == {}, f"{selector} on {page.url}"


def test_every_construct_reads_as_written_on_the_thread_page(as_role, live_server, everywhere):
    page = as_role("reader")
    url = live_server.url_for("discussions.show_thread", thread_id=everywhere["thread_id"])
    page.goto(url)
    check(page, f"#post-{everywhere['opening']} .post__body")
    for post_id in everywhere["replies"]:  # depths 1 to 4 (the fourth is past the indent cap)
        check(page, f"#post-{post_id} .post__body")
    page.goto(url + "?view=flat")
    check(page, f"#post-{everywhere['replies'][1]} .post__body")


def test_every_construct_reads_as_written_on_the_post_pages(as_role, live_server, everywhere):
    page = as_role("reader")
    reply = everywhere["replies"][0]
    page.goto(live_server.url_for("discussions.post_history", post_id=reply))
    check(page, "#revision-1 .post__body")
    page.goto(live_server.url_for("discussions.reply_to_post", post_id=reply))
    check(page, f"#post-{reply} .post__body")
    page.goto(live_server.url_for("discussions.delete_post", post_id=reply))
    check(page, f"#post-{reply} .post__body")


def test_every_construct_reads_as_written_in_each_preview(as_role, live_server, everywhere):
    page = as_role("reader")
    page.goto(live_server.url_for("discussions.new_thread"))
    page.get_by_label("Title").fill("A preview of everything")
    page.get_by_label("Board").select_option(label="Introductions")
    page.get_by_label("Your message").fill(EVERYTHING)
    submit(page, page.get_by_role("button", name="Preview"))
    check(page, "#preview .post__body")

    page.goto(live_server.url_for("discussions.edit_post", post_id=everywhere["replies"][0]))
    page.get_by_label("Your message").fill(EVERYTHING + "\nEdited.")
    submit(page, page.get_by_role("button", name="Preview"))
    check(page, "#preview .post__body")

    page.goto(live_server.url_for("discussions.show_thread", thread_id=everywhere["thread_id"]))
    form = page.locator("#reply-form")
    form.get_by_label("Your reply").fill(EVERYTHING)
    submit(page, form.get_by_role("button", name="Preview"))
    check(page, "#preview .post__body")


def test_every_construct_reads_as_written_for_moderators(as_role, live_server, everywhere):
    page = as_role("moderator")
    reported = everywhere["replies"][3]
    page.goto(live_server.url_for("moderation.queue"))
    check(page, f"#reported-{reported} .post__body")
    page.goto(live_server.url_for("moderation.hide_post", post_id=reported))
    check(page, "#moderation-context .post__body")


def test_the_search_snippet_reads_as_text(as_role, live_server, everywhere):
    page = as_role("reader")
    page.goto(live_server.url_for("search.search", q=WORD))
    snippet = page.locator(f"#result-post-{everywhere['replies'][0]} .search-result__snippet")
    if snippet.count() == 0:  # the opening post's result stands for the whole thread
        snippet = page.locator(".search-result__snippet").first
    text = snippet.inner_text()
    assert WORD in text
    for syntax in ("**", "###", "|", "```", "!["):
        assert syntax not in text, text
    assert "Check the referral form" in text
