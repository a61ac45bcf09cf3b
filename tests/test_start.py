"""`python -m forum` started as a person starts it: a real process, a real port, its terminal."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The demo is SQLite by design; what it prints does not depend on the test database.
pytestmark = pytest.mark.skipif(bool(os.environ.get("FORUM_TEST_DATABASE_URL")),
                                reason="the demo runs on SQLite; checked in the SQLite run")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(FORUM_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}",
               FORUM_SEARCH_DIR=str(tmp_path / "search_index"),
               FORUM_SECRET_KEY="start-test-secret", PYTHONUNBUFFERED="1")
    return env


def start(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "forum", *args], cwd=ROOT, env=demo_env(tmp_path),
                            stdout=(tmp_path / "out.txt").open("w"),
                            stderr=subprocess.STDOUT, text=True)


def wait_for_text(path: Path, text: str, process: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = path.read_text()
        if text in output:
            return output
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the terminal showed:\n{path.read_text()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo started once on a free port other than 5000 (a start costs seconds of CPU);
    yields (port, terminal file, process)."""
    tmp_path = tmp_path_factory.mktemp("demo")
    port = free_port()
    process = start(tmp_path, "--port", str(port))
    try:
        wait_for_text(tmp_path / "out.txt", "(press Ctrl+C to stop)", process)
        yield port, tmp_path / "out.txt", process
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_demo_serves_on_the_port_asked_for_and_prints_only_what_a_person_needs(demo):
    port, terminal, _ = demo
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
        assert response.status == 200
    output = terminal.read_text()
    assert f"The forum is running at http://127.0.0.1:{port}" in output
    assert re.search(r"Built the search index \([\d,]+ posts\)", output)
    assert "alembic" not in output.lower()
    assert "INFO" not in output
    assert "Serving Flask app" not in output and "Debug mode" not in output


def test_email_links_follow_the_port(demo):
    port, terminal, _ = demo
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/forgot-password", timeout=20) as response:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                          r'name="csrf_token" value="([^"]+)"', response.read().decode())
    csrf = next(group for group in token.groups() if group)
    data = urllib.parse.urlencode({"csrf_token": csrf, "email": "amara.okafor@nhs.net"}).encode()
    with opener.open(f"{base}/forgot-password", data=data, timeout=20) as response:
        assert response.status == 200
    output = wait_for_text(terminal, "--- end of email ---", demo[2], timeout=30)
    links = re.findall(r"https?://\S+", output.split("--- email to", 1)[1])
    assert links and all(link.startswith(f"{base}/") for link in links), links


def test_a_busy_port_says_so_once_and_how_to_start_on_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "forum", "--port", str(port)], cwd=ROOT,
                             env=demo_env(tmp_path), capture_output=True, text=True, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert output.strip() == (f"Port {port} is in use. Start on another port with: "
                              f"python -m forum --port {port + 1}")
