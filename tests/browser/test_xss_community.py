"""XSS in the library and shadowing: payloads in every text field of a resource (title,
description, web address, guide) and of a shadowing offer and interest (service,
organisation, what you see, availability, contact details, message), on every page that
shows them, opened in Chromium with the recorders of test_xss."""

from __future__ import annotations

from datetime import timedelta

from .helpers import make_member, report_figure, sign_in, unique
from .test_xss import Tally, Watcher, batches, load_payloads, sample_of


def _resource(watcher, server, *, title: str, description: str, guide: str) -> str:
    page = watcher.page
    watcher.goto(server.url_for("resources.new_resource"))
    form = page.locator("#resource-form")
    form.get_by_label("Guide", exact=True).check()
    form.get_by_label("Title").fill(title[:200])
    form.get_by_label("Description").fill(description[:2000])
    form.get_by_label("The guide (Markdown)").fill(guide)
    watcher.submit(form.get_by_role("button", name="Add to the library"))
    return page.url


def _offer(watcher, server, *, title: str, lines: list[str]) -> str:
    from forum.shadowing.services import london_today

    page = watcher.page
    watcher.goto(server.url_for("shadowing.new_offer"))
    form = page.locator("#offer-form")
    form.get_by_label("Service").fill(title[:200])
    form.get_by_label("Organisation").fill(lines[0][:160])
    form.get_by_label("What the visitor will see").fill("\n".join(lines))
    form.get_by_label("When (availability)").fill(lines[-1])
    form.get_by_label("Offer ends on").fill((london_today() + timedelta(days=10)).isoformat())
    form.get_by_label("Contact details, for the people you accept (optional)").fill(lines[1])
    watcher.submit(form.get_by_role("button", name="Post it"))
    return page.url


def test_no_payload_executes_in_resource_and_shadowing_pages(browser, live_server, sample):
    from forum.members.models import Role

    payloads = load_payloads()
    titles = sample_of(payloads, 4, max_len=200)
    short = [p for p in sample_of(payloads, 40, max_len=150) if "\n" not in p]
    guides = batches(sample_of(payloads, 200, max_len=400))
    tally = Tally()
    organiser = make_member(live_server, display_name=f"XSS curator {unique('')}", role=Role.ADMIN)
    visitor = make_member(live_server, display_name=f"XSS visitor {unique('')}")
    host = Watcher(browser, live_server, tally)
    guest = Watcher(browser, live_server, tally)
    try:
        sign_in(host.page, live_server, organiser["email"])
        sign_in(guest.page, live_server, visitor["email"])
        for i, title in enumerate(titles):
            lines = short[(i * 5) % len(short):][:5] or short[:5]
            guide = guides[i % len(guides)]
            url = _resource(host, live_server, title=title, description="\n".join(lines),
                            guide="\n\n".join(guide))
            host.tried("resource title and description", 1 + len(lines))
            host.tried("resource guide", len(guide))
            resource_id = int(url.rstrip("/").rsplit("/", 1)[1])
            host.goto(live_server.url_for("resources.edit_resource", resource_id=resource_id))
            guest.goto(url)
            offer_url = _offer(host, live_server, title=title, lines=lines)
            host.tried("shadowing offer fields", 4 + len(lines))
            guest.goto(offer_url)
            form = guest.page.locator("#interest-form")
            form.get_by_label("Your message").fill("\n".join(reversed(lines)))
            form.get_by_label("Contact details, if you are accepted (optional)").fill(lines[0])
            guest.submit(form.get_by_role("button", name="Express interest"))
            guest.tried("shadowing interest message and contact", 1 + len(lines))
            interest_url = guest.page.url
            host.goto(offer_url)
            host.submit(host.page.locator("#interest-list button").first)  # accept
            for viewer in (host, guest):
                viewer.goto(interest_url)
        for path in (live_server.url_for("resources.index"), live_server.url_for("shadowing.index"),
                     live_server.url_for("shadowing.mine"), live_server.url_for("resources.suggestions")):
            host.goto(path)
        guest.goto(live_server.url_for("shadowing.mine"))
    finally:
        host.close()
        guest.close()
    fields = ", ".join(f"{n} as {where}" for where, n in tally.by_field.items())
    report_figure(f"XSS in resources and shadowing: {tally.payloads} payloads tried ({fields}), "
                  f"{tally.pages} pages opened, {len(tally.executions)} executions, "
                  f"{len(tally.csp)} CSP violations, {len(tally.markup)} live markup found")
    assert tally.executions == []
    assert tally.csp == []
    assert tally.markup == []
