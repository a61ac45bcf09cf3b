"""Reads for the measures part of a write-up's page (qi-data replaces this stub)."""

from __future__ import annotations

from typing import Any


def measures_context(viewer: Any, writeup: Any) -> dict[str, Any]:
    return {}
