"""Evidence for a claim: uploaded files (typed from their content) and links.

The bytes go to the blob store under a generated key and the metadata to the
database; if the database refuses, the stored blob is removed again.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import BinaryIO

from domain.achievements import Evidence, EvidenceKind, check_editable
from domain.evidence import HEAD_BYTES, check_evidence_file, safe_filename, validate_link
from domain.policy import Viewer
from domain.ports import BlobStore, Clock, UnitOfWork
from domain.services.achievements import own_achievement


async def add_evidence_file(
    uow: UnitOfWork,
    blobs: BlobStore,
    viewer: Viewer,
    achievement_id: int,
    upload: BinaryIO,
    filename: str | None,
    max_bytes: int,
    clock: Clock,
) -> Evidence:
    """Type from the content's magic bytes, size from the stream; the bytes go to
    the blob store, the metadata to the database (a failed commit removes the blob)."""
    head = upload.read(HEAD_BYTES)
    digest = hashlib.sha256(head)
    size = len(head)
    for block in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(block)
        size += len(block)
        if size > max_bytes:
            break
    kind = check_evidence_file(head, size, max_bytes)
    upload.seek(0)
    async with uow:
        achievement = await own_achievement(uow, viewer, achievement_id)
        check_editable(achievement)
        key = f"evidence/{achievement_id}/{uuid.uuid4().hex}.{kind.extension}"
        stored = await blobs.put(key, upload)
        try:
            item = Evidence(
                achievement_id=achievement_id,
                kind=EvidenceKind.FILE,
                created_at=clock.now(),
                filename=safe_filename(filename, kind),
                content_type=kind.content_type,
                size_bytes=stored,
                sha256=digest.hexdigest(),
                storage_key=key,
            )
            uow.achievements.add_evidence(item)
            await uow.commit()
        except BaseException:
            await blobs.delete(key)
            raise
        return item


async def add_evidence_link(
    uow: UnitOfWork, viewer: Viewer, achievement_id: int, url: str, clock: Clock
) -> Evidence:
    url = validate_link(url)
    async with uow:
        achievement = await own_achievement(uow, viewer, achievement_id)
        check_editable(achievement)
        item = Evidence(achievement_id, EvidenceKind.LINK, clock.now(), url=url)
        uow.achievements.add_evidence(item)
        await uow.commit()
        return item
