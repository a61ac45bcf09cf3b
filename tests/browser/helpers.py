"""Helpers for the browser tests: the live server's handle, the mailbox, sign-in, artefacts."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SHARED_DATA = ROOT.parent / "shared" / "data"
CHROMIUM = Path(os.environ.get("FORUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Page markup, styles and accessibility do not depend on the database: the flows run on both.
from tests.markers import FIGURES, same_on_every_database  # noqa: E402, F401  (imported from here too)

# Where README and .ci/run install the Nu HTML Checker (npm install --prefix ... vnu-jar).
VNU_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "forum-vnu"
PASSWORD = "correct horse battery staple"  # the factories' password for members made in the DB
TIMEOUT_MS = 15_000
# axe-core rule tags: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices
# (heading order, one main landmark, content inside landmarks, a skip link that works).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# --- the mail server -----------------------------------------------------------------------

class Mailbox:
    """Messages received by the in-process SMTP server (aiosmtpd)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, *, subject: str = "", timeout: float = 20.0) -> EmailMessage:
        """The newest message to `to` (whose subject contains `subject`), waiting for the worker."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [m for m in self.messages
                         if m["To"].lower() == to.lower() and subject.lower() in m["Subject"].lower()]
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no email to {to} with subject containing {subject!r} within {timeout}s")

    @staticmethod
    def links(message: EmailMessage) -> list[str]:
        return re.findall(r"https?://[^\s<>\"')]+", message.get_body(("plain",)).get_content())


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the live server ----------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: Any
    mailbox: Mailbox
    server_errors: list[str] = field(default_factory=list)

    def url_for(self, endpoint: str, **values: Any) -> str:
        """A path from an endpoint name, so tests follow the views wherever they move."""
        from flask import url_for

        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def has_endpoint(self, endpoint: str) -> bool:
        return endpoint in self.app.view_functions

    @contextmanager
    def db(self) -> Iterator[Any]:
        """An app context on the live app, for arranging data directly in its database."""
        from forum.extensions import db

        with self.app.app_context():
            try:
                yield db
            finally:
                db.session.remove()

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.db():
            return fn(*args, **kwargs)

    def wait_for_outbox(self, timeout: float = 30.0) -> None:
        """Wait until the background worker has applied every pending row it has a handler for."""
        from forum import outbox

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.db():
                if all(outbox.pending_count(topic) == 0 for topic in outbox.topics()):
                    return
            outbox.wake.set()
            time.sleep(0.1)
        raise AssertionError("the outbox worker did not catch up")


class RecordServerErrors:
    """WSGI middleware: remembers every 5xx so a test fails if any page broke behind the scenes."""

    def __init__(self, wsgi_app, errors: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.errors = errors

    def __call__(self, environ, start_response):
        def recording(status, headers, exc_info=None):
            if status.startswith("5"):
                self.errors.append(f"{status} {environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, recording)


# --- pages ---------------------------------------------------------------------------------

@dataclass
class PageProblems:
    """Uncaught script errors and CSP violations seen on our own pages."""

    errors: list[str] = field(default_factory=list)


def watch(page) -> PageProblems:
    problems = PageProblems()
    page.on("pageerror", lambda error: problems.errors.append(f"page error: {error}"))
    page.on("console", lambda msg: problems.errors.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    return problems


def new_context(browser, server: LiveServer, *, js: bool = True, **kwargs: Any):
    context = browser.new_context(base_url=server.url, java_script_enabled=js, **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    context.forum_js = js  # run_axe refuses a page with scripts off rather than hang
    return context


def unique(prefix: str = "m") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def make_member(server: LiveServer, **kwargs: Any) -> dict[str, Any]:
    """An active member made directly in the live database; returns what a test needs."""
    import factories

    kwargs.setdefault("email", f"{unique()}@nhs.net")
    with server.db():
        user = factories.member(**kwargs)
        return {"id": user.id, "email": user.email, "display_name": user.display_name,
                "password": PASSWORD}


def submit(page, button) -> None:
    """Press a button that submits a form and wait for the next page."""
    with page.expect_navigation():
        button.click()


def sign_in(page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form."""
    page.goto(server.url_for("auth.login"))
    form = page.locator("#login-form")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    submit(page, form.get_by_role("button", name="Sign in"))
    assert page.get_by_role("button", name="Sign out").count() == 1, page.content()[:3000]


def sign_out(page) -> None:
    submit(page, page.get_by_role("button", name="Sign out"))
    assert page.get_by_role("link", name="Sign in").count() >= 1


def overflow(page) -> int:
    """How far the page scrolls sideways (0 when it fits)."""
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")


def report_figure(line: str) -> None:
    """Print a figure in pytest's summary and keep it in artifacts/browser-figures.txt."""
    FIGURES.append(line)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "browser-figures.txt").open("a", encoding="utf-8") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"


def vnu_jar() -> Path | None:
    """The Nu HTML Checker from the npm package vnu-jar, wherever CI or a developer put it."""
    candidates = [os.environ.get("FORUM_VNU_JAR", ""),
                  ROOT / "node_modules/vnu-jar/build/dist/vnu.jar",
                  ROOT / ".ci/node_modules/vnu-jar/build/dist/vnu.jar",
                  ROOT.parent / "vnu/node_modules/vnu-jar/build/dist/vnu.jar",
                  VNU_CACHE / "node_modules/vnu-jar/build/dist/vnu.jar"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def java() -> str | None:
    return shutil.which("java")


def validate(files: list[Path]) -> dict[str, list[str]]:
    """Run the Nu HTML Checker once over all files (one Java start); each file's errors."""
    import json
    import subprocess

    import pytest

    jar, runtime = vnu_jar(), java()
    if jar is None or runtime is None:
        pytest.skip("the Nu HTML Checker is not installed: run `npm install --prefix "
                    "~/.cache/forum-vnu vnu-jar` (or set FORUM_VNU_JAR to vnu.jar) and install "
                    "a Java runtime (apt-get install default-jre-headless)")
    run = subprocess.run([runtime, "-jar", str(jar), "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(run.stderr or run.stdout)
    errors: dict[str, list[str]] = {f.name: [] for f in files}
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = Path(message.get("url", "?").removeprefix("file:")).name
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message['message']} "
                f"[{message.get('extract', '').strip()[:80]}]")
    return errors


# --- axe-core and the Nu HTML Checker over a test's own pages --------------------------------

# Only violations come back with their nodes: passes and inapplicable rules are counted, not
# serialised (most of axe's time on a long page, and none of what the checks assert).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
_AXE: list[Any] = []


def run_axe(page) -> Any:
    """axe-core's results for the page now open (one Axe, its script read from disk once).

    axe needs JavaScript on: it runs its rules on timers, which never fire in a page whose
    scripts are disabled, so axe.run would wait for ever. Check such a page in the js run."""
    assert getattr(page.context, "forum_js", True), \
        "axe cannot run with JavaScript off (its timers never fire); check this page with it on"
    if not _AXE:
        from axe_playwright_python.sync_playwright import Axe

        _AXE.append(Axe())
    return _AXE[0].run(page, options=AXE_OPTIONS)


class PageChecks:
    """The pages a flow reached (error states, previews, pages of its own): axe runs on each
    as it is kept, and the Nu HTML Checker once over all of them at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.axe: dict[str, Any] = {}
        self.html: dict[str, str] = {}

    def keep(self, name: str, page, response, *, status: int | None = None) -> None:
        if status is not None:
            assert response.status == status, name
        self.axe[name] = run_axe(page)
        self.html[name] = response.text()

    def assert_clean(self, *, html: bool = True) -> None:
        failures = [f"{name}: {results.generate_report()}" for name, results in self.axe.items()
                    if results.violations_count]
        assert failures == []
        if html:
            report = html_errors(self.html, self.tmp_path)
            assert report == "", f"HTML errors:\n{report}"


def html_errors(pages: dict[str, str], tmp_path: Path) -> str:
    """The Nu HTML Checker's errors for pages (name: source), one line each; "" when valid."""
    if not pages:
        return ""
    files = []
    for name, source in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(source, encoding="utf-8")
        files.append(path)
    errors = validate(files)
    return "\n".join(f"{name}: {m}" for name, found in sorted(errors.items()) for m in found)


# --- keyboard only -------------------------------------------------------------------------

# Is the focused element's focus indicator visible? Our styles show focus as a yellow
# outline, a box-shadow bar or a yellow background; a visually hidden checkbox shows it on
# its label's drawn box.
FOCUS_VISIBLE_JS = """el => {
  const shows = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                      && s.outlineColor !== 'rgba(0, 0, 0, 0)' && s.outlineColor !== 'transparent')
                     || (s.boxShadow && s.boxShadow !== 'none')
                     || s.backgroundColor === 'rgb(255, 235, 59)';
  if (shows(getComputedStyle(el))) return true;
  const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  return !!label && shows(getComputedStyle(label, '::before'));
}"""

DESCRIBE_JS = """el => el === document.body ? 'body' :
  `${el.tagName.toLowerCase()}#${el.id} "${(el.innerText || el.value || '').slice(0, 40)}"`"""


# After a Tab: is focus on the target `el`, and does the element it landed on show it?
TAB_STEP_JS = f"""el => {{
  const active = document.activeElement;
  const here = el === active;
  if (!active || active === document.body) return {{here, visible: true, what: 'body'}};
  const visible = ({FOCUS_VISIBLE_JS})(active);
  return {{here, visible, what: visible ? '' : ({DESCRIBE_JS})(active)}};
}}"""


class Keyboard:
    """Operates a page with the keyboard alone: Tab to a control, then type, Space, arrows or
    Enter. Targets are found by their labels and roles, so the labels are checked too. Every
    element Tab lands on must show a visible focus indicator."""

    def __init__(self, page, max_tabs: int = 200) -> None:
        self.page = page
        self.max_tabs = max_tabs

    def focus(self, locator) -> None:
        locator.wait_for(state="attached")
        target = locator.element_handle()
        if target.evaluate("el => el === document.activeElement"):
            return
        for _ in range(self.max_tabs):
            self.page.keyboard.press("Tab")
            # One round trip per Tab (where focus is, and whether it shows), not four.
            landed = target.evaluate(TAB_STEP_JS)
            assert landed["visible"], f"focus is not visible on {landed['what']}"
            if landed["here"]:
                return
        raise AssertionError(f"Tab never reached {target.evaluate(DESCRIBE_JS)}")

    def fill(self, locator, text: str) -> None:
        self.focus(locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(text)
        assert locator.input_value() == text

    def check(self, locator) -> None:
        self.focus(locator)
        if not locator.is_checked():
            self.page.keyboard.press("Space")
        assert locator.is_checked()

    def choose(self, locator, label: str) -> None:
        """Pick an option of a <select> with the arrow keys."""
        self.focus(locator)
        labels = locator.evaluate("el => [...el.options].map(o => o.label || o.text)")
        assert label in labels, f"{label!r} is not among {labels}"
        want = labels.index(label)
        for _ in range(len(labels)):
            now = locator.evaluate("el => el.selectedIndex")
            if now == want:
                break
            self.page.keyboard.press("ArrowDown" if now < want else "ArrowUp")
        assert locator.evaluate("el => el.selectedIndex") == want

    def press(self, locator) -> None:
        """Press Enter on a link or submit button and wait for the page it leads to."""
        self.focus(locator)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
