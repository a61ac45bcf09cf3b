"""Rendering is safe under threads: many posts rendered at once each come out as their own."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from bleach import html5lib_shim

from forum.markup import clean, render


@pytest.fixture
def busy_scheduler(monkeypatch):
    """Let another thread run after every HTML token, as a busy server's scheduler may: on
    an idle machine threads rarely switch mid-clean, so a shared parser's damage is rare
    there (but 67 of 447 replies under load)."""
    tokens = html5lib_shim.BleachHTMLTokenizer.__iter__

    def switching(self):
        for token in tokens(self):
            time.sleep(0)
            yield token

    monkeypatch.setattr(html5lib_shim.BleachHTMLTokenizer, "__iter__", switching)


def _source(n: int) -> str:
    """A post that exercises the parser, the sanitiser and the linkifier, unique to `n`."""
    return (f"## Clinic note {n}\n\nPatient group **{n}** saw https://example.org/{n} and"
            f" <script>x{n}</script> [link {n}](https://nhs.uk/{n})\n\n"
            f"- step {n} a\n- step {n} b\n\n> quote {n} www.site{n}.example\n\n"
            + " ".join(f"word{n}x{i}" for i in range(60)))


THREADS = 8


def test_distinct_posts_rendered_from_many_threads_are_each_their_own(busy_scheduler):
    sources = [_source(n) for n in range(80)]
    expected = [render(s) for s in sources]  # one thread: the reference answers
    start = threading.Barrier(THREADS)

    def work(offset: int) -> list[tuple[int, str]]:
        start.wait()
        out = []
        for k in range(len(sources)):
            n = (offset * 10 + k) % len(sources)
            for produce, given in ((render, sources[n]), (clean, expected[n])):
                try:
                    out.append((n, produce(given)))
                except Exception as error:  # a shared parser also fails outright
                    out.append((n, repr(error)))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for chunk in pool.map(work, range(THREADS)) for r in chunk]
    wrong = [n for n, html in results if html != expected[n]]
    assert not wrong, f"{len(wrong)} of {len(results)} renders came out as another post's"
