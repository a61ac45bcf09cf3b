"""The consent wording, by version. A subscription stores the version and the words shown,
so what someone agreed to can be shown word for word however the wording changes later.
Change the wording by adding a version, never by editing one."""

from __future__ import annotations

WORDING = {
    "2026-12": (
        "I would like to receive the Cancer CoP newsletter by email, about once a month: "
        "news from the community, upcoming events, new quality improvement write-ups and "
        "discussions. I can unsubscribe at any time with the link in every email. "
        "My email address and name are used only to send the newsletter and are never "
        "shared."
    ),
}
CURRENT = "2026-12"
IMPORTED = "imported"  # consent given to the list before it moved here; source and date kept


def current_text() -> str:
    return WORDING[CURRENT]
