"""Every page type: zero axe-core violations (WCAG 2.0/2.1/2.2 A and AA), nothing scrolls
sideways at 320px, and screenshots at 320px and 1280px kept in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import AXE_TAGS, new_context, overflow, screenshot_path, watch
from .pages import PAGE_TYPES

AXE = Axe()


@pytest.fixture
def open_page(browser, live_server, sample, signed_in):
    """Open a page type as its viewer, in a fresh context; fails on script errors or CSP reports."""
    opened = []

    def open_(page_type, **context_args):
        path = page_type.url(live_server, sample)
        context = new_context(browser, live_server, storage_state=signed_in[page_type.role],
                              **context_args)
        page = context.new_page()
        problems = watch(page)
        opened.append((context, problems))
        response = page.goto(path)
        assert response is not None and response.status == page_type.status, path
        return page

    yield open_
    for context, problems in opened:
        context.close()
        assert problems.errors == []


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda p: p.name)
def test_page_has_no_accessibility_violations(open_page, page_type):
    page = open_page(page_type)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda p: p.name)
def test_nothing_scrolls_sideways_at_320px(open_page, page_type):
    page = open_page(page_type, viewport={"width": 1280, "height": 900})
    page.screenshot(path=screenshot_path(f"{page_type.name}-1280"), full_page=True)
    assert overflow(page) == 0
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=screenshot_path(f"{page_type.name}-320"), full_page=True)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 320:
        culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > 320.5)
            .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' +
                             Math.round(el.getBoundingClientRect().right))""")
        pytest.fail(f"the page is {width}px wide at 320px: {culprits}")
