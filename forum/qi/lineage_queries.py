"""Reads for the lineage part of a write-up's page (qi-replicate replaces this stub)."""

from __future__ import annotations

from typing import Any


def lineage_context(viewer: Any, writeup: Any) -> dict[str, Any]:
    return {}
