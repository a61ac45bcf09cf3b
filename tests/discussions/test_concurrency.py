"""Members replying at once through a real threaded server each get their own post saved."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from forum.discussions.models import Post
from forum.markup import render
from tests import factories
from tests.test_markup_threads import busy_scheduler  # noqa: F401  (a fixture)

MEMBERS = 24
REPLIES_EACH = 5


def _body(member: int, n: int) -> str:
    """A reply long enough to keep the renderer busy, marked as this member's n-th."""
    mark = f"m{member}r{n}"
    return (f"### Note {mark}\n\nWe tried **{mark}** at https://example.org/{mark} — see"
            f" [the leaflet {mark}](https://nhs.uk/{mark}).\n\n- first {mark}\n- second {mark}\n\n"
            + "\n\n".join(f"> point {mark} {i} www.{mark}-{i}.example" for i in range(12)))


@pytest.fixture
def server(app, db):
    """The app on a free port, one thread per request, as `python -m forum` serves it."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(10)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _post(opener, url: str, data: dict) -> int:
    body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(url, body, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.usefixtures("busy_scheduler")
def test_members_replying_at_once_through_the_threaded_server_save_their_own_text(server, db):
    members = [factories.member() for _ in range(MEMBERS)]
    thread = factories.thread(factories.member())
    thread_id, emails = thread.id, [m.email for m in members]
    db.session.remove()  # the server's threads use their own sessions
    openers = [_opener() for _ in emails]
    for opener, email in zip(openers, emails, strict=True):
        assert _post(opener, f"{server}/login",
                     {"email": email, "password": factories.PASSWORD}) == 200
    start = threading.Barrier(MEMBERS)

    def member_replies(index: int) -> list[int]:
        start.wait()
        return [_post(openers[index], f"{server}/threads/{thread_id}/reply",
                      {"body": _body(index, n)}) for n in range(REPLIES_EACH)]

    with ThreadPoolExecutor(MEMBERS) as pool:
        statuses = [s for chunk in pool.map(member_replies, range(MEMBERS)) for s in chunk]
    assert statuses.count(200) == len(statuses), sorted(set(statuses))  # 303, followed

    replies = list(db.session.scalars(
        select(Post).where(Post.thread_id == thread_id, Post.reply_to_id.is_(None))
        .order_by(Post.id)))[1:]
    expected = {_body(i, n) for i in range(MEMBERS) for n in range(REPLIES_EACH)}
    assert {p.body_source for p in replies} == expected
    wrong = [p.id for p in replies if p.body_html != render(p.body_source)]
    assert not wrong, f"{len(wrong)} of {len(replies)} replies saved with another post's HTML"
