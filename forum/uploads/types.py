"""What a file really is, from its content, never its name.

An allow-list of exact signatures rather than a general detector library: we accept six
types, each with a fixed signature, and the hard case (DOCX, PPTX and XLSX are all ZIP
files) needs their [Content_Types].xml read anyway, which no detector library does for us.
A few common things people mistake for documents (programs, scripts, other archives) are
named in the refusal, so the message says what the file is.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FileType:
    mime: str
    extension: str
    label: str  # as the page names it


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG image")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx", "Word document (DOCX)")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "pptx", "PowerPoint presentation (PPTX)")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx", "Excel workbook (XLSX)")

# Office Open XML: the main part's content type, and the part itself, for each kind.
_OOXML = (
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
     "word/document.xml"),
    (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
     "ppt/presentation.xml"),
    (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
     "xl/workbook.xml"),
)
_CONTENT_TYPES_MAX = 1024 * 1024  # a real one is a few kilobytes

# Not accepted, but worth naming in the message.
_KNOWN = (
    (b"MZ", "a Windows program (.exe)"),
    (b"\x7fELF", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"#!", "a script"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc, .xls or .ppt)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a compressed archive"),
    (b"GIF8", "a GIF image"),
    (b"<", "a web page or other markup"),
)


class NotAllowed(ValueError):
    """The file is not one of the accepted types; the message says what it seems to be."""


def _describe(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for signature, what in _KNOWN:
        if stripped.startswith(signature):
            return what
    return ""


def _ooxml(path: Path, allowed: tuple[FileType, ...]) -> FileType:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > _CONTENT_TYPES_MAX:
                raise NotAllowed("a ZIP archive")
            content_types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise NotAllowed("a damaged or unreadable ZIP file") from None
    if "macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
        raise NotAllowed("an Office file with macros (save it without macros: .docx, .pptx "
                         "or .xlsx)")
    for kind, main, part in _OOXML:
        if main in content_types and part in names and kind in allowed:
            return kind
    raise NotAllowed("a ZIP archive or another kind of Office file")


def detect(path: Path, allowed: tuple[FileType, ...]) -> FileType:
    """The file's type among `allowed`, read from its first bytes (and, for a ZIP, its parts);
    NotAllowed says what it seems to be instead ("" when we cannot tell)."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"%PDF-") and PDF in allowed:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and PNG in allowed:
        return PNG
    if head.startswith(b"\xff\xd8\xff") and JPEG in allowed:
        return JPEG
    if head.startswith(b"PK\x03\x04") and any(k in allowed for k, _, _ in _OOXML):
        return _ooxml(path, allowed)
    raise NotAllowed(_describe(head))
