"""Rendering is safe under threads: many posts rendered at once each come out as their own."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from forum.markup import clean, render


def _source(n: int) -> str:
    """A post that exercises the parser, the sanitiser and the linkifier, unique to `n`."""
    return (f"## Clinic note {n}\n\nPatient group **{n}** saw https://example.org/{n} and"
            f" <script>x{n}</script> [link {n}](https://nhs.uk/{n})\n\n"
            f"- step {n} a\n- step {n} b\n\n> quote {n} www.site{n}.example\n\n"
            + " ".join(f"word{n}x{i}" for i in range(60)))


def test_distinct_posts_rendered_from_many_threads_are_each_their_own():
    # Switch threads often, as a busy server does, so a shared parser is caught mid-use.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        sources = [_source(n) for n in range(400)]
        expected = [render(s) for s in sources]  # one thread: the reference answers
        start = threading.Barrier(16)

        def work(offset: int) -> list[tuple[int, str]]:
            start.wait()
            out = []
            for k in range(len(sources)):
                n = (offset * 25 + k) % len(sources)
                for produce, given in ((render, sources[n]), (clean, expected[n])):
                    try:
                        out.append((n, produce(given)))
                    except Exception as error:  # a shared parser also fails outright
                        out.append((n, repr(error)))
            return out

        with ThreadPoolExecutor(16) as pool:
            results = [r for chunk in pool.map(work, range(16)) for r in chunk]
    finally:
        sys.setswitchinterval(old)
    wrong = [n for n, html in results if html != expected[n]]
    assert not wrong, f"{len(wrong)} of {len(results)} renders came out as another post's"
