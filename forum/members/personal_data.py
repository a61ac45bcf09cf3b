"""What each domain holds about a member, for "Download my data" and "Delete my account".

Every domain that stores something about a person contributes one entry: `export` returns
what it holds as JSON-ready data (it becomes `<name>.json` in the archive), `erase` removes
or anonymises it, `files` (optional) names the member's uploaded files for the archive, and
`remove_content` (optional) removes what they wrote when they also ask for that.

Domains are listed once, in DOMAINS below: a new domain adds one line, the path of a module
with `export_member(user) -> dict` and `erase_member(user) -> None` (and, if it has them,
`files_of(user)` and `remove_member_content(user)`). The members' own entry runs last, so
every other domain still sees the member's email and name when it erases.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forum.members.models import User

Export = Callable[[User], Any]
Erase = Callable[[User], None]
Files = Callable[[User], Iterable[tuple[str, Path]]]

# name -> module, in the order they erase. Register a domain here (one line), before
# "uploads" (a domain linking to an upload unlinks it first); "members" stays last.
DOMAINS: dict[str, str] = {
    "discussions": "forum.discussions.personal_data",
    "notifications": "forum.notify.personal_data",
    "qi": "forum.qi.personal_data",
    "cpd": "forum.cpd.personal_data",  # before events: its entries point at attendance
    "events": "forum.events.personal_data",
    "newsletter": "forum.newsletter.personal_data",
    "resources": "forum.resources.personal_data",
    "shadowing": "forum.shadowing.personal_data",
    "uploads": "forum.uploads.personal_data",  # after every domain that links to uploads
    "members": "forum.members.profile_data",
}


@dataclass(frozen=True)
class Domain:
    name: str
    export: Export
    erase: Erase
    files: Files | None = None
    remove_content: Erase | None = None


_registry: dict[str, Domain] = {}


def register(name: str, export: Export, erase: Erase, *, files: Files | None = None,
             remove_content: Erase | None = None) -> None:
    """Add (or replace) a domain's entry; later registrations run after earlier ones."""
    _registry.pop(name, None)
    _registry[name] = Domain(name, export, erase, files, remove_content)


def register_module(name: str, path: str) -> None:
    """Register the functions of a `personal_data` module by their agreed names."""
    module = importlib.import_module(path)
    register(name, module.export_member, module.erase_member,
             files=getattr(module, "files_of", None),
             remove_content=getattr(module, "remove_member_content", None))


def domains() -> list[Domain]:
    """Every registered domain, DOMAINS loaded on first use, "members" last."""
    if not _registry:
        for name, path in DOMAINS.items():
            register_module(name, path)
    last = _registry.get("members")
    return [d for d in _registry.values() if d is not last] + ([last] if last else [])


def export_all(user: User) -> dict[str, Any]:
    """Each domain's data about the member, by domain name."""
    return {d.name: d.export(user) for d in domains()}


def files_all(user: User) -> list[tuple[str, Path]]:
    """(name in the archive, path on disk) of every file the member uploaded."""
    found: list[tuple[str, Path]] = []
    for domain in domains():
        if domain.files is not None:
            found.extend(domain.files(user))
    return found


def erase_all(user: User, *, remove_content: bool = False) -> None:
    """Erase the member everywhere (the caller commits once, so it is all or nothing)."""
    for domain in domains():
        if remove_content and domain.remove_content is not None:
            domain.remove_content(user)
        domain.erase(user)
