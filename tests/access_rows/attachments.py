"""Access rows for files attached to testimony."""

from __future__ import annotations

import inspect

from flask import current_app

from inquiry.extensions import db
from inquiry.models import Membership, Testimony, TestimonyAttachment, TestimonyStatus
from inquiry.testimony import storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    # The witness is the testimony's own witness.
    ("attachments.upload", "GET"): ("roles:witness,researcher", 200, {}),
    # An empty form gives the page again with "Select a PDF, PNG or JPEG file".
    ("attachments.upload", "POST"): ("roles:witness,researcher", 200, {}),
    # The testimony is approved, so every member may download its files.
    ("attachments.download", "GET"): ("member", 200, {}),
    ("attachments.remove", "GET"): ("roles:witness,researcher", 200, {}),
    ("attachments.remove", "POST"): ("roles:witness,researcher", 302, {}),
}


class AttachmentOfFinalTestimony:
    """The id of a file attached to whichever testimony the access matrix's URL uses.

    Other rows modules give a ``testimony_id`` too, and the one collected last wins,
    so the file is attached only when the URL is built (``int()``), to the testimony
    named by the matrix's final ``values``; outside the matrix, to this module's own.
    """

    def __init__(self, world, own: Testimony) -> None:
        self.world = world
        self.own_id = own.id
        self.attachment_id: int | None = None

    def _final_testimony_id(self) -> int:
        frame = inspect.currentframe()
        while frame is not None:
            if frame.f_code.co_name == "test_access_matrix":
                return int(frame.f_locals["values"]["testimony_id"])
            frame = frame.f_back
        return self.own_id

    def __int__(self) -> int:
        if self.attachment_id is None:
            testimony = db.session.get(Testimony, self._final_testimony_id())
            assert testimony.status == TestimonyStatus.APPROVED, (
                "the access rows' testimony must be approved"
            )
            assert testimony.witness_id == _witness(self.world).id, (
                "the access rows' testimony must be the world witness's"
            )
            self.attachment_id = _attach(testimony).id
        return self.attachment_id


def _witness(world) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.inquiry_id == world.inquiry.id,
            Membership.user_id == world.people["witness"].id,
        )
    )


def _attach(testimony: Testimony) -> TestimonyAttachment:
    attachment = TestimonyAttachment(
        filename="carers-rota.png",
        content_type="image/png",
        size=len(PNG),
        storage_name=storage.save(current_app.config["UPLOAD_FOLDER"], PNG),
        sha256="0" * 64,
    )
    testimony.attachments.append(attachment)
    db.session.commit()
    return attachment


def url_values(world) -> dict[str, object]:
    testimony = Testimony(
        inquiry_id=world.inquiry.id,
        witness_id=_witness(world).id,
        title="Coming home from hospital",
        body="The carers came at different times every day.",
        status=TestimonyStatus.APPROVED,
    )
    db.session.add(testimony)
    db.session.commit()
    return {
        "testimony_id": testimony.id,
        "attachment_id": AttachmentOfFinalTestimony(world, testimony),
    }
