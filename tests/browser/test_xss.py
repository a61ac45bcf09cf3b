"""XSS in a real browser: every payload from PayloadsAllTheThings goes through the real forms
(as post bodies, and a representative sample as thread titles, display names, organisations
and search queries); every page showing them is opened in Chromium with alert, confirm,
prompt and print replaced by recorders, a dialog listener and a CSP-violation listener.
Nothing may execute, nothing may be blocked by CSP (that would mean live markup survived),
and no executable markup may be in the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import pytest

from .helpers import (
    SHARED_DATA,
    make_member,
    new_context,
    report_figure,
    same_on_every_database,
    sign_in,
    unique,
)

XSS_DIR = SHARED_DATA / "xss" / "payloadsallthethings"
PER_POST = 100  # payloads batched into one post (each its own paragraph), to keep CI quick
MAX_BODY = 45_000  # below the forum's 50,000-character limit

RECORDER = """(() => {
  const report = (kind, detail) => {
    try { window.__forumXssReport(kind, String(detail).slice(0, 200), location.href); } catch (e) {}
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const recorder = function (message) { report(name, message); return null; };
    try {
      Object.defineProperty(window, name, {value: recorder, writable: false, configurable: false});
    } catch (e) { window[name] = recorder; }
  }
  document.addEventListener('securitypolicyviolation', event => report(
    'csp', `${event.violatedDirective} ${event.blockedURI} ${event.sample || ''}`), true);
})();"""

# Markup that must never come out of the sanitiser or the templates, checked in the live DOM:
# no event-handler, style or srcdoc attribute and no script URL anywhere in the page; no
# embedding or scripting element inside what members wrote; no script but our own file.
DOM_CHECK = """() => {
  const banned = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
    'base', 'meta', 'link', 'style', 'form', 'input', 'button', 'textarea', 'select', 'svg',
    'math', 'template', 'portal', 'img', 'video', 'audio', 'source']);
  const found = [];
  const written = '.post__body, .preview, .search-result__snippet, .search-result__title, ' +
    '#event-description, .qi-section .markdown, .qi-diagram__box, .qi-tree__box, ' +
    '.result-list__snippet, #guide-body';
  for (const el of document.querySelectorAll(written)) {
    for (const inner of el.querySelectorAll('*')) {
      const tag = inner.tagName.toLowerCase();
      if (banned.has(tag)) found.push(`<${tag}> in ${el.className}`);
    }
  }
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on') || ['style', 'srcdoc', 'formaction'].includes(name)) {
        found.push(`<${tag} ${name}>`);
      }
      if (['href', 'src', 'action', 'data', 'xlink:href', 'poster', 'background'].includes(name)
          && /^(javascript|vbscript|data|livescript):/.test(value)) {
        found.push(`<${tag} ${name}=${value.slice(0, 30)}>`);
      }
    }
  }
  for (const script of document.scripts) {
    const own = ['/static/js/app.js', '/static/js/drafts.js', '/static/js/mentions.js'];
    if (!own.some(name => script.src.endsWith(name))) {
      found.push('<script> outside our own files');
    }
  }
  return found;
}"""


def load_payloads() -> list[str]:
    if not XSS_DIR.is_dir():
        pytest.skip(f"{XSS_DIR} is missing")
    payloads: dict[str, None] = {}
    for path in sorted(XSS_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
        if all(re.fullmatch(r"[A-Za-z]+", line.strip()) for line in lines):
            continue  # a list of event-handler names, not payloads
        for line in lines:
            # Undecodable bytes cannot be typed into a browser; they become U+FFFD, as a
            # browser would show them.
            payloads[line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")] = None
    return list(payloads)


def sample_of(payloads: list[str], size: int, max_len: int) -> list[str]:
    """A representative sample: the polyglots first, then payloads spread across the lists."""
    fitting = [p for p in payloads if len(p.strip()) <= max_len]
    known = set(load_polyglots())
    polyglots = [p for p in fitting if p in known]
    step = max(1, len(fitting) // size)
    chosen = dict.fromkeys(polyglots + fitting[::step])
    return list(chosen)[:size]


def load_polyglots() -> list[str]:
    path = XSS_DIR / "XSS_Polyglots.txt"
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8", errors="replace").split("\n")
            if line.strip()]


def batches(payloads: list[str]) -> list[list[str]]:
    """Payloads grouped into posts the forum accepts: within its length and its limit on
    formatting characters (forum.markup), so every batch is rendered, not refused."""
    from forum.markup import FORMATTING, MAX_FORMATTING

    def marks(text: str) -> int:
        return sum(map(text.count, FORMATTING))

    out: list[list[str]] = [[]]
    size = formatting = 0
    for payload in payloads:
        if (len(out[-1]) >= PER_POST or size + len(payload) + 2 > MAX_BODY
                or formatting + marks(payload) > MAX_FORMATTING):
            out.append([])
            size = formatting = 0
        out[-1].append(payload)
        size += len(payload) + 2
        formatting += marks(payload)
    return [b for b in out if b]


@dataclass
class Tally:
    payloads: int = 0
    by_field: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    executions: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)


class Watcher:
    """One browser context whose every page reports dialogs, recorder calls and CSP reports."""

    def __init__(self, browser, server, tally: Tally) -> None:
        self.server, self.tally = server, tally
        self.context = new_context(browser, server)
        self.context.expose_function("__forumXssReport", self._report)
        self.context.add_init_script(script=RECORDER)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("framenavigated", self._navigated)

    def tried(self, where: str, n: int = 1) -> None:
        self.tally.payloads += n
        self.tally.by_field[where] = self.tally.by_field.get(where, 0) + n

    def _report(self, kind: str, detail: str, where: str) -> None:
        (self.tally.csp if kind == "csp" else self.tally.executions).append(f"{kind}({detail}) on {where}")

    def _dialog(self, dialog) -> None:
        self.tally.executions.append(f"dialog {dialog.type}: {dialog.message[:100]} on {self.page.url}")
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.tally.csp.append(f"console: {message.text[:200]}")

    def _navigated(self, frame) -> None:
        if not (frame.url.startswith(self.server.url) or frame.url in ("about:blank", "about:srcdoc")):
            self.tally.executions.append(f"navigation to {frame.url[:100]}")

    def check(self) -> None:
        """The page now open has been shown: poke it a little, then look for live markup."""
        self.page.mouse.move(10 + self.tally.pages % 300, 300)  # hover handlers, if any survived
        self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        self.tally.pages += 1
        self.tally.markup.extend(f"{found} on {self.page.url}" for found in self.page.evaluate(DOM_CHECK))

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            button.click()
        self.check()

    def close(self) -> None:
        self.context.close()


@same_on_every_database  # what is stored and shown is the same text on either database
def test_no_payload_executes_in_the_browser(browser, live_server, sample):
    payloads = load_payloads()
    titles = sample_of(payloads, 30, max_len=200)
    names = sample_of(payloads, 12, max_len=80)
    tally = Tally()
    member = make_member(live_server, display_name=f"XSS tester {unique('')}",
                         organisation="A test trust")
    watcher = Watcher(browser, live_server, tally)
    page = watcher.page
    try:
        sign_in(page, live_server, member["email"])

        # Every payload as a post body, batched, each batch previewed then posted as a new
        # discussion whose title is one of the sampled payloads.
        thread_paths = []
        for i, batch in enumerate(batches(payloads)):
            title = titles[i % len(titles)]
            watcher.goto(live_server.url_for("discussions.new_thread"))
            form = page.locator("#thread-form")
            form.get_by_label("Title").fill(title)
            form.get_by_label("Board").select_option(label="Quality improvement")
            form.get_by_label("Your message").fill("\n\n".join(batch))
            watcher.submit(form.get_by_role("button", name="Preview"))
            assert page.locator("#preview .post__body").count() == 1
            watcher.submit(page.locator("#thread-form").get_by_role("button", name="Start discussion"))
            assert re.search(r"/threads/\d+", page.url), page.locator(".error-summary").all_inner_texts()
            thread_paths.append(page.url.removeprefix(live_server.url).split("#")[0])
            watcher.tried("post body", len(batch))
            watcher.tried("thread title")
        # The rest of the sampled titles, and the same batch as a reply through the reply form.
        for title in titles[len(thread_paths):]:
            watcher.goto(live_server.url_for("discussions.new_thread"))
            form = page.locator("#thread-form")
            form.get_by_label("Title").fill(title)
            form.get_by_label("Board").select_option(label="Quality improvement")
            form.get_by_label("Your message").fill("A title test.")
            watcher.submit(form.get_by_role("button", name="Start discussion"))
            assert re.search(r"/threads/\d+", page.url)
            watcher.tried("thread title")
        reply_batch = titles + names
        watcher.goto(thread_paths[0])
        page.locator("#reply-form").get_by_label("Your reply").fill("\n\n".join(reply_batch))
        watcher.submit(page.locator("#reply-form").get_by_role("button", name="Post reply"))
        watcher.tried("reply body", len(reply_batch))

        # Each discussion in the flat view, its edit page (the source in a textarea) and the
        # lists that show the titles.
        for path in thread_paths[:3]:  # the tree view was opened after each post
            watcher.goto(path + "?view=flat")
        edit_links = page.locator(".post__actions a[id^=edit-]")
        watcher.goto(edit_links.first.get_attribute("href"))
        for path in (live_server.url_for("discussions.list_threads"),
                     live_server.url_for("discussions.show_board", slug="quality-improvement"),
                     live_server.url_for("community.home")):
            watcher.goto(path)

        # Display names and organisations, shown on the profile, beside posts and in lists.
        organisations = sample_of(payloads, len(names), max_len=160)[::-1]
        for name, organisation in zip(names, organisations, strict=False):
            watcher.goto(live_server.url_for("members.edit_account"))
            form = page.locator("#account-form")
            form.get_by_label("Display name").fill(name)
            form.get_by_label("Organisation").fill(organisation)
            watcher.submit(form.get_by_role("button", name="Save changes"))
            watcher.goto(thread_paths[0])
            watcher.goto(live_server.url_for("discussions.list_threads"))
            watcher.tried("display name")
            watcher.tried("organisation")

        # QI write-ups: every text field, driver boxes, a PDSA cycle and a team role.
        if live_server.has_endpoint("qi.new_writeup"):
            qi_sweep(watcher, live_server, payloads, titles, names)

        # Search: payloads as queries, and results whose snippets come from the payload posts.
        if live_server.has_endpoint("search.search"):
            live_server.wait_for_outbox(timeout=60)
            for query in [*names[:8], "alert", "script", "javascript", "onerror", "svg onload"]:
                watcher.goto(live_server.url_for("search.search") + "?q=" + quote_plus(query))
                watcher.tried("search query")
    finally:
        watcher.close()

    fields = ", ".join(f"{n} as {where}" for where, n in tally.by_field.items())
    report_figure(f"XSS in Chromium: {tally.payloads} payloads tried ({len(payloads)} distinct; "
                  f"{fields}), {tally.pages} pages opened, {len(tally.executions)} executions, "
                  f"{len(tally.csp)} CSP violations, {len(tally.markup)} live markup found")
    assert tally.executions == []
    assert tally.csp == []
    assert tally.markup == []
    assert tally.by_field["post body"] == len(payloads)


def _event_form(watcher, live_server, *, title: str, text: str, lines: list[str], description: str):
    """Fill every text field of the event form with payloads and save; the event's path."""
    from datetime import timedelta

    from forum.db import utcnow

    page = watcher.page
    day = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%d")
    watcher.goto(live_server.url_for("events.new_event"))
    form = page.locator("#event-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Hybrid (in person and online)").check()
    for label, value in (("Start date", day), ("Start time", "12:30"), ("End date", day),
                         ("End time", "13:30"), ("Number of places", "20")):
        form.get_by_label(label).fill(value)
    form.get_by_label("Venue address").fill(text[:1000])
    form.get_by_label("Accessibility of the venue (optional)").fill(text[:2000])
    form.get_by_label("Joining link (Teams or Zoom)").fill("https://teams.example/join/xss")
    form.get_by_label("Description (Markdown)").fill(description)
    form.get_by_label("Speakers (optional)").fill("\n".join(lines))
    form.get_by_label("Questions for people signing up (optional)").fill("\n".join(lines[:5]))
    form.get_by_label("Let visitors sign up as guests, without joining").check()
    watcher.submit(form.get_by_role("button", name="Save as a draft"))
    if page.locator("#pid-confirm").count():  # the patient-data guard saw a number-like payload
        page.locator("#pid-confirm").check()
        watcher.submit(page.locator("#event-form").get_by_role("button", name="Save as a draft"))
    assert re.search(r"/events/\d+$", page.url), page.locator(".error-summary").all_inner_texts()
    path = page.url.removeprefix(live_server.url)
    watcher.submit(page.get_by_role("button", name="Publish"))
    return path


@same_on_every_database
def test_no_payload_executes_in_event_pages(browser, live_server, sample):
    """The event's text fields (title, venue, access, description, speakers, questions) and a
    guest's (name, email, profession, organisation, answers), on every page that shows them."""
    from forum.members.models import Role

    payloads = load_payloads()
    titles = sample_of(payloads, 6, max_len=200)
    short = [p for p in sample_of(payloads, 60, max_len=150) if "@" not in p and "\n" not in p]
    tally = Tally()
    organiser = make_member(live_server, display_name=f"XSS organiser {unique('')}", role=Role.ADMIN)
    watcher = Watcher(browser, live_server, tally)
    guest = Watcher(browser, live_server, tally)
    try:
        sign_in(watcher.page, live_server, organiser["email"])
        description_batches = batches(sample_of(payloads, 300, max_len=400))
        for i, title in enumerate(titles):
            lines = short[(i * 5) % len(short):][:5] or short[:5]
            batch = description_batches[i % len(description_batches)]
            path = _event_form(watcher, live_server, title=title, text="\n".join(short[i::6]),
                               lines=lines, description="\n\n".join(batch))
            for field_name, n in (("event title", 1), ("event venue and access", 2),
                                  ("event speakers", len(lines)),
                                  ("event questions", min(5, len(lines))),
                                  ("event description", len(batch))):
                watcher.tried(field_name, n)
            guest.goto(path)
            form = guest.page.locator("#guest-form")
            form.get_by_label("Full name").fill(lines[0][:120])
            form.get_by_label("Email address").fill(f"{unique('xss')}@example.org")
            form.get_by_label("Profession").fill(lines[-1][:120])
            form.get_by_label("Organisation").fill(title[:160])
            for n in range(min(5, len(lines))):
                guest.page.locator(f"#guest-form #answer_{n}").fill(lines[n][:500])
            guest.submit(form.get_by_role("button", name="Sign up as a guest"))
            guest.tried("guest name, profession, organisation and answers", 3 + min(5, len(lines)))
            event_id = int(path.rsplit("/", 1)[1])
            for url in (path, live_server.url_for("events.edit_event", event_id=event_id),
                        live_server.url_for("events.people", event_id=event_id)):
                watcher.goto(url)
        watcher.goto(live_server.url_for("events.my_events"))
        for viewer in (watcher, guest):
            viewer.goto(live_server.url_for("events.index"))
    finally:
        watcher.close()
        guest.close()
    fields = ", ".join(f"{n} as {where}" for where, n in tally.by_field.items())
    report_figure(f"XSS in event pages: {tally.payloads} payloads tried ({fields}), {tally.pages} "
                  f"pages opened, {len(tally.executions)} executions, {len(tally.csp)} CSP "
                  f"violations, {len(tally.markup)} live markup found")
    assert tally.executions == []
    assert tally.csp == []
    assert tally.markup == []
QI_FIELDS = {"about": ["Summary", "The problem and why it matters"], "aim": ["Aim"],
             "results": ["Results", "What we learned", "What you need", "Pitfalls"]}
QI_CYCLE_FIELDS = ["Plan", "Prediction", "Do", "Study", "What you decided and why"]


def _qi_submit(watcher, form, button: str) -> None:
    """Send a QI form; if the patient-data guard stops it, confirm and send it again."""
    watcher.submit(form.get_by_role("button", name=button))
    page = watcher.page
    if page.locator("#pid-confirm").count():
        page.locator("#pid-confirm").check()
        watcher.submit(page.get_by_role("button", name=button))


def qi_sweep(watcher, server, payloads: list[str], titles: list[str], names: list[str]) -> None:
    """Every text field of a write-up holds payloads; then every page that shows them."""
    page = watcher.page
    chunks = iter(batches(payloads) * 3)
    watcher.goto(server.url_for("qi.new_writeup"))
    form = page.locator("#writeup-form")
    form.get_by_label("Title").fill(titles[0])
    _qi_submit(watcher, form, "Save and continue")
    writeup_id = int(re.search(r"/qi/(\d+)/edit", page.url).group(1))
    watcher.tried("write-up title")
    for section, labels in QI_FIELDS.items():
        watcher.goto(server.url_for("qi.edit_section", writeup_id=writeup_id, section=section))
        form = page.locator("#section-form")
        for label in labels:
            batch = next(chunks)
            form.get_by_label(label, exact=True).fill("\n\n".join(batch))
            watcher.tried(f"write-up {label.lower()}", len(batch))
        if section == "results":
            form.get_by_label("Time it took").fill(titles[1])
            watcher.tried("write-up time it took")
        _qi_submit(watcher, form, "Save and return")
    drivers_url = server.url_for("qi.edit_drivers", writeup_id=writeup_id)
    for text in titles[:5]:
        watcher.goto(drivers_url)
        form = page.locator("#form-add-root")
        form.get_by_label("Add a primary driver").fill(text)
        _qi_submit(watcher, form, "Add")
        watcher.tried("driver diagram box")
    watcher.goto(server.url_for("qi.edit_cycles", writeup_id=writeup_id))
    form = page.locator("#cycle-form")
    form.get_by_label("Change tested").fill(titles[2])
    for label in QI_CYCLE_FIELDS:
        batch = next(chunks)
        form.get_by_label(label, exact=True).fill("\n\n".join(batch))
        watcher.tried(f"PDSA {label.lower()}", len(batch))
    _qi_submit(watcher, form, "Add cycle")
    watcher.goto(server.url_for("qi.edit_team", writeup_id=writeup_id))
    role = page.locator("#team-table input[name=role]").first
    role.fill(names[0])
    watcher.submit(page.locator("#team-table").get_by_role("button", name="Save").first)
    watcher.tried("team role")
    watcher.goto(server.url_for("qi.edit_writeup", writeup_id=writeup_id))
    watcher.submit(page.get_by_role("button", name="Publish"))
    # A published edit: the history page shows the changed words of a payload batch.
    watcher.goto(server.url_for("qi.edit_section", writeup_id=writeup_id, section="aim"))
    batch = next(chunks)
    page.locator("#section-form").get_by_label("Aim", exact=True).fill("\n\n".join(batch))
    _qi_submit(watcher, page.locator("#section-form"), "Save and return")
    watcher.tried("write-up aim, edited", len(batch))
    for path in (server.url_for("qi.show_writeup", writeup_id=writeup_id),
                 server.url_for("qi.index"), server.url_for("qi.writeup_history", writeup_id=writeup_id),
                 drivers_url, server.url_for("qi.edit_section", writeup_id=writeup_id, section="about")):
        watcher.goto(path)


def test_the_recorder_catches_a_script_that_runs(browser, live_server):
    """The harness itself can fail: a script calling alert on a forum page is recorded."""
    tally = Tally()
    watcher = Watcher(browser, live_server, tally)
    try:
        watcher.goto("/")
        watcher.page.evaluate("alert('caught')")
    finally:
        watcher.close()
    assert tally.executions and "alert(caught)" in tally.executions[0]


def test_a_blocked_inline_script_is_reported(browser, live_server):
    """CSP reports reach the tally: an inline script on a forum page is refused and reported."""
    tally = Tally()
    watcher = Watcher(browser, live_server, tally)
    try:
        watcher.goto("/")
        watcher.page.evaluate("""() => { const s = document.createElement('div');
            s.innerHTML = '<img src=x onerror=alert(1)>'; document.body.append(s); }""")
        watcher.page.wait_for_timeout(200)
    finally:
        watcher.close()
    assert tally.csp, "CSP did not report an inline event handler"
    assert tally.executions == []


def test_the_markup_check_finds_live_markup(browser, live_server):
    context = new_context(browser, live_server)
    page = context.new_page()
    page.set_content('<div class="post__body"><p><iframe></iframe><a href=" javascript:x">x</a>'
                     '<b onclick="x()">b</b></p></div>')
    found = page.evaluate(DOM_CHECK)
    context.close()
    assert any("<iframe>" in f for f in found)
    assert any("href=javascript:x" in f for f in found)
    assert any("onclick" in f for f in found)
