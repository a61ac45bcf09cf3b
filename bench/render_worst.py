"""Time markup.render on pathological inputs (run by hand: figures go in the issue's notes).

    .venv/bin/python bench/render_worst.py [--size 50000]
"""

from __future__ import annotations

import argparse
import time

from forum import markup

CASES = {
    "[ x N": lambda n: "[" * n,
    "[a]( x N/4": lambda n: "[a](" * (n // 4),
    "![ x N/2": lambda n: "![" * (n // 2),
    "> x N": lambda n: ">" * n,
    "> nested lines": lambda n: "\n".join(">" * i for i in range(1, 400)),
    "* x N": lambda n: "*" * n,
    "*a x N/2": lambda n: "*a" * (n // 2),
    "_a x N/2": lambda n: "_a" * (n // 2),
    "` x N": lambda n: "`" * n,
    "<a x N/2": lambda n: "<a" * (n // 2),
    "- nested list": lambda n: "\n".join("  " * i + "- x" for i in range(400)),
    "1. nested list": lambda n: "\n".join("   " * i + "1. x" for i in range(300)),
    "| table x N/2": lambda n: ("|a" * 100 + "|\n" + "|-" * 100 + "|\n") + ("|x" * 100 + "|\n") * (n // 204),
    "www. links": lambda n: "www.a.example " * (n // 14),
    "&amp; x N/5": lambda n: "&amp;" * (n // 5),
    "ordinary prose": lambda n: ("The clinic saw twelve patients this week. " * (n // 42)),
}
_PROSE = "The clinic saw twelve patients this week and the waiting list fell again. " * 700
# The worst inputs the limits accept: each as many formatting characters (2,000) or lines
# (999) as allowed, padded with prose to 50,000 characters.
AT_LIMITS = {
    "2000 [ + prose": lambda: ("[" * 2000 + _PROSE)[:50_000],
    "1000 ![ + prose": lambda: ("![" * 1000 + _PROSE)[:50_000],
    "1000 *a + prose": lambda: ("*a" * 1000 + _PROSE)[:50_000],
    "1000 <a + prose": lambda: ("<a" * 1000 + _PROSE)[:50_000],
    "400 &amp; + prose": lambda: ("&amp;" * 400 + _PROSE)[:50_000],
    "table 2,000 |": lambda: "|a" * 9 + "|\n" + "|-" * 9 + "|\n" + ("|x" * 9 + "|\n") * 198,
    "999 list lines": lambda: ("- a\n" * 999 + _PROSE)[:50_000],
    "666 ``` lines": lambda: "```\n" * 666,
    "999 paragraphs": lambda: ("a\n" * 999 + _PROSE)[:50_000],
    "8 deep + prose": lambda: "> " * 4 + "- " * 4 + _PROSE[:49_000],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=50_000)
    args = parser.parse_args()
    cases = {name: (lambda make=make: make(args.size)) for name, make in CASES.items()}
    for name, make in [*cases.items(), *AT_LIMITS.items()]:
        source = make()
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            markup.render(source)
            outcome = "rendered"
        except Exception as error:  # a limit refused it
            outcome = type(error).__name__
        took, cpu_took = time.perf_counter() - start, time.thread_time() - cpu
        print(f"{name:<18} {len(source):>7,} chars {took * 1000:>8.1f} ms wall"
              f" {cpu_took * 1000:>8.1f} ms CPU  {outcome}")


if __name__ == "__main__":
    main()
