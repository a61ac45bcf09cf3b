"""The library and shadowing in Chromium, with JavaScript enabled and disabled: a member
suggests a resource and an organiser approves it; a member offers shadowing, another
expresses interest, and once accepted each sees the other's contact details."""

from __future__ import annotations

from datetime import timedelta

from .helpers import make_member, new_context, sign_in, submit, unique, watch


def _admin():
    from forum.members.models import Role

    return Role.ADMIN


def _second(browser, live_server, js, email: str):
    context = new_context(browser, live_server, js=js)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, live_server, email)
    return context, page, problems


def test_a_member_suggests_a_resource_and_an_organiser_approves_it(page, browser, live_server, js):
    member = make_member(live_server, display_name=f"Suggester {unique('')}")
    organiser = make_member(live_server, display_name=f"Curator {unique('')}", role=_admin())
    title = f"Delirium checklist {unique('')}"

    sign_in(page, live_server, member["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    submit(page, page.get_by_role("link", name="Suggest a resource"))
    form = page.locator("#resource-form")
    form.get_by_label("Web link").check()
    form.get_by_label("Title").fill(title)
    form.get_by_label("Web address").fill("not a web address")
    submit(page, form.get_by_role("button", name="Send the suggestion"))
    assert "Enter a web address that starts with https://" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == title  # what was typed is kept
    page.locator("#resource-form").get_by_label("Web address").fill("https://www.the4at.com/")
    submit(page, page.locator("#resource-form").get_by_role("button", name="Send the suggestion"))
    assert "checked by an organiser" in page.locator(".flash").inner_text()
    assert "waiting for an organiser" in page.locator("#resource-tags").inner_text()

    other, curator, problems = _second(browser, live_server, js, organiser["email"])
    curator.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    submit(curator, curator.get_by_role("link", name="Suggestions waiting"))
    submit(curator, curator.get_by_role("link", name=title))
    submit(curator, curator.get_by_role("button", name="Approve and publish"))
    assert "in the library now" in curator.locator(".flash").inner_text()
    assert problems.errors == []
    other.close()

    page.goto(live_server.url_for("resources.index"))
    assert title in page.locator("#resource-list").inner_text()


def test_offer_shadowing_express_interest_and_accept(page, browser, live_server, js):
    from forum.shadowing.services import london_today

    host = make_member(live_server, display_name=f"Host {unique('')}")
    visitor = make_member(live_server, display_name=f"Visitor {unique('')}")
    service = f"Lymphoedema clinic, Lewisham, Tuesdays {unique('')}"

    sign_in(page, live_server, host["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shadowing").click()
    submit(page, page.get_by_role("link", name="Offer shadowing"))
    form = page.locator("#offer-form")
    form.get_by_label("Service").fill(service)
    form.get_by_label("What the visitor will see").fill("Measuring and compression garments.")
    form.get_by_label("How many places").fill("1")
    form.get_by_label("Offer ends on").fill((london_today() + timedelta(days=30)).isoformat())
    form.get_by_label("Contact details, for the people you accept (optional)").fill(
        "Clinic reception 020 7946 0999")
    submit(page, form.get_by_role("button", name="Post it"))
    assert page.get_by_role("heading", level=1).inner_text() == service
    offer_path = page.url.removeprefix(live_server.url)

    other, guest, problems = _second(browser, live_server, js, visitor["email"])
    guest.goto(live_server.url + offer_path)
    assert "020 7946 0999" not in guest.content() and host["email"] not in guest.content()
    guest.get_by_label("Your message").fill("I am a GPN and would love to see how you measure.")
    submit(guest, guest.get_by_role("button", name="Express interest"))
    assert "Contact details are shared when" in guest.locator("#contact-hidden").inner_text()

    page.reload()
    assert "I am a GPN" in page.locator("#interest-list").inner_text()
    submit(page, page.get_by_role("button", name=f"Accept {visitor['display_name']}"))
    assert "Accepted" in page.locator(".flash").inner_text()

    guest.reload()
    assert "020 7946 0999" in guest.locator("#contact-details").inner_text()
    assert problems.errors == []
    other.close()
