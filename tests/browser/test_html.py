"""Every page type is valid HTML by the Nu HTML Checker (npm package vnu-jar, run with Java)."""

from __future__ import annotations

from .helpers import new_context, report_figure, same_on_every_database, validate
from .pages import PAGE_TYPES

pytestmark = same_on_every_database

# A page the checker must reject, run in the same batch: proves the check can fail.
BROKEN = "<!doctype html><html lang=en><title>x</title><p><div></span></p>"


def post_states(browser, live_server, sample, signed_in) -> dict[str, str]:
    """Pages people see after sending a form: errors shown, previews."""
    pages: dict[str, str] = {}
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto(live_server.url_for("auth.register"))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Create account").click()
    pages["register-errors"] = nav.value.text()
    page.goto(live_server.url_for("auth.login"))
    page.get_by_label("Email address").fill("nobody@nhs.net")
    page.get_by_label("Password", exact=True).fill("wrong password")
    with page.expect_navigation() as nav:
        page.locator("#login-form").get_by_role("button", name="Sign in").click()
    pages["login-errors"] = nav.value.text()
    context.close()

    context = new_context(browser, live_server, storage_state=signed_in["author"])
    page = context.new_page()
    page.goto(live_server.url_for("discussions.new_thread"))
    page.get_by_label("Title").fill("A title")
    page.get_by_label("Your message").fill("Some **bold** text\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Preview").click()
    pages["new-thread-preview-and-errors"] = nav.value.text()
    page.goto(live_server.url_for("discussions.edit_post", post_id=sample.opening_id))
    page.get_by_label("Your message").fill("Edited _text_ with a [link](https://example.org)")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Preview").click()
    pages["edit-preview"] = nav.value.text()
    page.goto(live_server.url_for("discussions.show_thread", thread_id=sample.thread_id))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Post reply").click()
    pages["reply-errors"] = nav.value.text()
    context.close()
    return pages


def test_every_page_type_is_valid_html(browser, live_server, sample, signed_in, tmp_path):
    sources: dict[str, str] = {}
    for page_type in PAGE_TYPES:
        if page_type.endpoint and not live_server.has_endpoint(page_type.endpoint):
            continue
        context = new_context(browser, live_server, storage_state=signed_in[page_type.role])
        if page_type.press:  # a state after sending the page's form
            response = page_type.open(context.new_page(), live_server, sample)
        else:
            response = context.request.get(page_type.url(live_server, sample))
        assert response.status == page_type.status, page_type.name
        sources[page_type.name] = response.text()
        context.close()
    sources.update(post_states(browser, live_server, sample, signed_in))
    files = []
    for name, html in sources.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    broken = tmp_path / "deliberately-broken.html"
    broken.write_text(BROKEN, encoding="utf-8")

    errors = validate([*files, broken])

    assert errors.pop(broken.name), "the checker did not catch a broken page"
    report = "\n".join(f"{name}: {message}" for name, found in sorted(errors.items())
                       for message in found)
    assert report == "", f"HTML errors:\n{report}"
    report_figure(f"Nu HTML Checker: {len(files)} pages, 0 errors")
