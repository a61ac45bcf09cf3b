"""The words in an uploaded PDF, so search finds a slide deck by what its slides say.

pypdf (pure Python, no system libraries, well kept) reads the text layer. A PDF is untrusted
input: the pages read and the characters kept are capped, and any failure (a damaged or
encrypted file, an exotic font) means no text rather than an error in the indexer.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

MAX_PAGES = 60
MAX_CHARS = 100_000


def pdf_text(path: Path, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS) -> str:
    """Up to `max_chars` characters of the first `max_pages` pages' text; "" when unreadable."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(path)
        if reader.is_encrypted:
            return ""
        parts, size = [], 0
        for page in reader.pages[:max_pages]:
            text = " ".join((page.extract_text() or "").split())
            parts.append(text)
            size += len(text)
            if size >= max_chars:
                break
        return " \n".join(parts)[:max_chars]
    except Exception:  # any unreadable PDF: index its title and description only
        log.info("No text read from PDF %s", path.name, exc_info=True)
        return ""
