"""File types from content: the six accepted, and what is refused whatever its name."""

from __future__ import annotations

import pytest

from forum.uploads.services import safe_download_name
from forum.uploads.types import DOCX, JPEG, PDF, PNG, PPTX, XLSX, NotAllowed, detect
from tests.uploads import files

ALL = (PDF, PNG, JPEG, DOCX, PPTX, XLSX)


@pytest.mark.parametrize(("content", "expected"), [
    (files.PDF, PDF), (files.png(), PNG), (files.JPEG, JPEG), (files.office("docx"), DOCX),
    (files.office("pptx"), PPTX), (files.office("xlsx"), XLSX)])
def test_each_accepted_type_is_known_from_its_content(tmp_path, content, expected):
    path = tmp_path / "upload.bin"  # the name plays no part
    path.write_bytes(content)
    assert detect(path, ALL) == expected


@pytest.mark.parametrize(("content", "seems"), [
    (files.EXE, "a Windows program (.exe)"),
    (files.office("docm"), "an Office file with macros"),
    (files.plain_zip(), "a ZIP archive"),
    (b"PK\x03\x04 not really a zip", "a damaged or unreadable ZIP file"),
    (b"<html><script>alert(1)</script>", "a web page or other markup"),
    (b"GIF89a\x01\x00", "a GIF image"),
    (b"plain words", ""),
])
def test_other_files_are_refused_and_named(tmp_path, content, seems):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(NotAllowed) as refused:
        detect(path, ALL)
    assert str(refused.value).startswith(seems)


def test_a_caller_accepts_only_its_own_types(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(files.office("xlsx"))
    with pytest.raises(NotAllowed):
        detect(path, (PDF, DOCX))


@pytest.mark.parametrize(("original", "kind", "expected"), [
    ("Résumé final.pdf", PDF, "Resume-final.pdf"),
    ("poster.pdf", DOCX, "poster.docx"),  # the detected type's extension wins
    ("../../etc/passwd", PDF, "passwd.pdf"),
    ("C:\\Users\\me\\chart 1.PNG", PNG, "chart-1.png"),
    ("\u202egnp.exe", PNG, "gnp.png"),
    ("...", PDF, "file.pdf"),
    ("報告.xlsx", XLSX, "file.xlsx"),
    ("a" * 300 + ".pdf", PDF, "a" * 80 + ".pdf"),
])
def test_download_names_are_safe_ascii_with_the_detected_extension(original, kind, expected):
    assert safe_download_name(original, kind) == expected
