"""Evidence files: what we accept is decided by the bytes, never by the name.

A `.pdf` that is really an executable is refused; a PNG named `scan.pdf` is
stored as the PNG it is. Only PDF, PNG and JPEG are accepted, within a size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidInput

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


def detect_type(head: bytes) -> FileType | None:
    """The type from the magic bytes at the start of the content."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return FileType(content_type, extension)
    return None


def check_evidence_file(head: bytes, size: int, max_bytes: int) -> FileType:
    """Refuse empty, oversized and unknown files with a message a student understands."""
    if size == 0:
        raise InvalidInput("The file is empty.", field="file")
    if size > max_bytes:
        raise InvalidInput(
            f"The file is {size} bytes; the limit is {max_bytes} bytes.", field="file"
        )
    kind = detect_type(head)
    if kind is None:
        raise InvalidInput(
            "Only PDF, PNG and JPEG files are accepted; this file's content is none of them "
            "(its name does not matter).",
            field="file",
        )
    return kind


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str | None, kind: FileType) -> str:
    """A display name without path parts or control characters, ending in the real type."""
    base = (name or "evidence").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")[:120] or "evidence"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem}.{kind.extension}"


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def validate_link(url: str) -> str:
    url = url.strip()
    if len(url) > 2000 or not _URL.match(url):
        raise InvalidInput("Give a link starting with http:// or https://.", field="url")
    return url
