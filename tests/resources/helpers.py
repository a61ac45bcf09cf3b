"""Test data for the library: resources made through the services, and small real files."""

from __future__ import annotations

import io
import zipfile

from forum.resources import services
from forum.resources.models import Resource, ResourceKind

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def pptx_bytes() -> bytes:
    """The smallest ZIP that reads as a PowerPoint presentation."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/'
                         'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"'
                         ' PartName="/ppt/presentation.xml"/></Types>')
        archive.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


def resource(actor, *, kind: ResourceKind = ResourceKind.LINK, title: str = "Macmillan cancer "
             "care review template", data: bytes | None = None, filename: str = "slides.pdf",
             **kw) -> Resource:
    kw.setdefault("url", "https://www.macmillan.org.uk/care-review" if kind in (
        ResourceKind.LINK, ResourceKind.RECORDING) else "")
    if kind == ResourceKind.GUIDE:
        kw.setdefault("body_source", "## Before the review\n\n- read the **letters**")
    stream = io.BytesIO(data if data is not None else PDF_BYTES) \
        if kind == ResourceKind.DOCUMENT else None
    return services.add_resource(actor, services.ResourceInput(title=title, kind=kind, **kw),
                                 stream=stream, filename=filename if stream else "")
