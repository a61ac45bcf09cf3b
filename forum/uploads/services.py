"""Storing and serving uploaded files: the one place every domain (QI attachments now,
resources and CPD evidence later) keeps its files.

`store_file` streams an upload to a temporary file under UPLOAD_DIR (never reading it all into
memory), counting and hashing as it goes, refuses it when too large or not an allowed type
(from its content), then moves it into place under a random name with one atomic rename.
It adds the `Upload` row to the session but does not commit: the owning domain's service
links it (an Attachment) and commits once. `download` serves a file as an attachment; the
owning domain's view decides who may ask for it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Response, current_app, send_file

from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.uploads.models import Upload
from forum.uploads.types import FileType, NotAllowed, detect

MB = 1024 * 1024
CHUNK = 64 * 1024
# A downloaded file may not run script, be framed, or load anything, whatever it contains.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@dataclass(frozen=True, slots=True)
class UploadRules:
    """What one caller accepts: the types, and the largest size of each file."""

    types: tuple[FileType, ...]
    max_bytes: int
    field: str = "file"  # the form field a refusal is shown beside

    @property
    def names(self) -> str:
        labels = [t.label for t in self.types]
        return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]

    @property
    def size_text(self) -> str:
        return f"{self.max_bytes // MB} MB" if self.max_bytes >= MB else f"{self.max_bytes // 1024} KB"


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(upload: Upload) -> Path:
    return upload_dir() / upload.stored_name


def safe_download_name(original: str, file_type: FileType) -> str:
    """ASCII letters, digits, dots, dashes and underscores, with the detected extension."""
    stem = Path(original.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip(".-_")[:80].strip(".-_")
    return f"{ascii_stem or 'file'}.{file_type.extension}"


def _copy(stream: BinaryIO, handle: BinaryIO, rules: UploadRules) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > rules.max_bytes:
            raise InvalidInput(f"The file is larger than {rules.size_text}. Make it smaller "
                               f"(for example, save a PDF at a lower quality) and try again.",
                               field=rules.field)
        digest.update(chunk)
        handle.write(chunk)
    handle.flush()
    os.fsync(handle.fileno())
    return size, digest.hexdigest()


def store_file(uploader: User | None, stream: BinaryIO, *, filename: str,
               rules: UploadRules) -> Upload:
    """Check and keep one file; InvalidInput (on `rules.field`) says why not. The caller commits."""
    if not filename.strip():
        raise InvalidInput("Choose a file to upload", field=rules.field)
    root = upload_dir()
    token = secrets.token_hex(16)
    final = root / token[:2] / token
    final.parent.mkdir(exist_ok=True)
    temporary = root / f".incoming-{token}"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            size, sha256 = _copy(stream, handle, rules)
        if size == 0:
            raise InvalidInput("The file is empty", field=rules.field)
        try:
            file_type = detect(temporary, rules.types)
        except NotAllowed as refused:
            seems = f" It looks like {refused}." if str(refused) else ""
            raise InvalidInput(f"This file is not a {rules.names}, whatever its name says.{seems} "
                               f"Upload one of those types.", field=rules.field) from None
        os.replace(temporary, final)  # atomic: a file is either wholly there or not at all
    finally:
        temporary.unlink(missing_ok=True)
    upload = Upload(uploader_id=uploader.id if uploader else None,
                    stored_name=f"{token[:2]}/{token}", original_name=filename[:255],
                    download_name=safe_download_name(filename, file_type),
                    content_type=file_type.mime, size=size, sha256=sha256)
    db.session.add(upload)
    return upload


def discard_file(upload: Upload) -> None:
    """Remove the stored file; call after the commit that deleted its row (a failed commit
    then leaves a file without a row, which is harmless, never a row without its file)."""
    path_of(upload).unlink(missing_ok=True)


def download(upload: Upload) -> Response:
    """The file as a download, typed as detected, that no browser will render or sniff."""
    response = send_file(path_of(upload), mimetype=upload.content_type, as_attachment=True,
                         download_name=upload.download_name, conditional=True, max_age=0,
                         etag=upload.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
