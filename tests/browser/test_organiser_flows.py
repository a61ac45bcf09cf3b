"""An organiser's work in Chromium, by keyboard, with JavaScript enabled and disabled: from the
Organiser menu, add a public board, move it up, retire it (members no longer see it on the
home page, its address still works) and bring it back; edit a site page with a preview."""

from __future__ import annotations

from .helpers import Keyboard, make_member, new_context, same_on_every_database, sign_in, unique


def nav(page):
    return page.get_by_role("navigation", name="Main")


def _admin():
    from forum.members.models import Role

    return Role.ADMIN


def board_names(page) -> list[str]:
    return page.locator("#admin-list .admin-list__name a").all_inner_texts()


def test_organiser_adds_moves_retires_and_brings_back_a_board(page, live_server, js):
    organiser = make_member(live_server, display_name=f"Organiser {unique('')}", role=_admin())
    kb = Keyboard(page)
    sign_in(page, live_server, organiser["email"])
    kb.press(nav(page).get_by_role("link", name="Organiser"))
    assert page.get_by_role("heading", level=1).inner_text() == "Organiser"
    kb.press(page.get_by_role("navigation", name="Organiser").get_by_role("link", name="Boards"))
    kb.press(page.get_by_role("link", name="Add a board"))

    name = f"Cancer in prisons {unique('')}"
    kb.fill(page.get_by_label("Name"), name)
    kb.fill(page.get_by_label("Description (optional)"), "Care for people in prison.")
    kb.focus(page.get_by_label("Members only: visitors are asked to sign in"))
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    assert page.get_by_label("Everyone, including visitors who have not signed in").is_checked()
    kb.press(page.get_by_role("button", name="Save"))
    assert f"{name} is saved." in page.locator(".flash").inner_text()
    names = board_names(page)
    assert names[-1] == name

    kb.press(page.get_by_role("button", name=f"Move up {name}"))
    assert board_names(page).index(name) == len(names) - 2

    kb.press(page.get_by_role("button", name=f"Retire {name}"))
    assert "is retired" in page.locator(".flash").inner_text()
    item = page.locator(".admin-list__item", has_text=name)
    assert "Retired" in item.inner_text()
    slug_link = item.get_by_role("link", name=name, exact=True).get_attribute("href")

    page.goto("/")
    assert page.get_by_role("link", name=name, exact=True).count() == 0
    page.goto(slug_link)  # its address still works, and says why it takes no new discussions
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert "This board is retired" in page.locator("#board-retired").inner_text()

    page.goto(live_server.url_for("admin.list_items", kind="boards"))
    kb.press(page.get_by_role("button", name=f"Bring back {name}"))
    page.goto("/")
    assert page.get_by_role("link", name=name, exact=True).count() == 1
    # Leave the shared sample as it was: retired, so other checks see the usual boards.
    page.goto(live_server.url_for("admin.list_items", kind="boards"))
    kb.press(page.get_by_role("button", name=f"Retire {name}"))


def test_organiser_previews_and_saves_a_site_page(page, live_server, js):
    organiser = make_member(live_server, display_name=f"Organiser {unique('')}", role=_admin())
    kb = Keyboard(page)
    sign_in(page, live_server, organiser["email"])
    page.goto(live_server.url_for("admin.list_pages"))
    kb.press(page.get_by_role("link", name="Edit Accessibility statement"))
    body = page.get_by_label("Text (Markdown)")
    heading = f"Checks of {unique('')}"
    text = body.input_value() + f"\n\n# {heading}\n\nChecked again."
    kb.fill(body, text)
    kb.press(page.get_by_role("button", name="Preview"))
    preview = page.locator("#preview")
    assert preview.get_by_role("heading", name=heading, level=2).count() == 1
    assert page.get_by_label("Text (Markdown)").input_value().strip() == text.strip()  # kept
    kb.press(page.get_by_role("button", name="Save page"))
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement"
    assert page.get_by_role("heading", name=heading, level=2).count() == 1
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="Accessibility").count() == 1


@same_on_every_database
def test_organiser_error_and_preview_states_pass_axe_and_the_html_checker(
        browser, live_server, sample, signed_in, tmp_path):
    """What an organiser sees after sending a form: errors beside the fields, a page preview."""
    from .helpers import PageChecks

    context = new_context(browser, live_server, storage_state=signed_in["organiser"])
    page = context.new_page()
    checks = PageChecks(tmp_path)

    def keep(name: str, response) -> None:
        checks.keep(name, page, response)

    page.goto(live_server.url_for("admin.add_item", kind="boards"))
    page.get_by_label("Name").fill("Introductions")  # a name in use
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save").click()
    assert page.locator(".error-summary").count() == 1
    keep("add-board-errors", nav.value)
    page.goto(live_server.url_for("admin.edit_page", slug="contact"))
    page.get_by_label("Title").fill("")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save page").click()
    assert "Enter a title" in page.locator(".error-summary").inner_text()
    keep("page-errors", nav.value)
    page.goto(live_server.url_for("admin.edit_page", slug="privacy"))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview h2").count() > 1
    keep("page-preview", nav.value)
    context.close()
    checks.assert_clean()
