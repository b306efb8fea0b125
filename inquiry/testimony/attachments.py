"""Files attached to testimony: a letter, a photograph, a scan of a care plan.

The testimony's witness and the inquiry's researchers add and remove them;
anyone allowed to see the testimony downloads them. A file's type is decided
by its content, never by its name, and it is stored under a random name outside
the web root (see ``storage``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import IO
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileRequired

from .. import policy
from ..audit.service import record
from ..cohort.forms import GovFileField
from ..extensions import csrf, db, limiter
from ..forms.base import BaseForm
from ..forms.fields import GovSubmitField
from ..models import Inquiry, Testimony, TestimonyAttachment, User, utcnow
from ..permissions import requires
from ..security.rate_limits import config_limit, per_user
from . import filetypes, storage

log = logging.getLogger(__name__)

bp = Blueprint("attachments", __name__)

MAX_ATTACHMENTS = 10
# Room for the rest of a multipart request around the file itself.
UPLOAD_OVERHEAD = 64 * 1024
CHUNK_SIZE = 64 * 1024

SELECT_MESSAGE = f"Select a {filetypes.ALLOWED_LABELS} file"
EMPTY_MESSAGE = "The selected file is empty"
WRONG_TYPE_MESSAGE = f"The selected file must be a {filetypes.ALLOWED_LABELS}"
TOO_MANY_MESSAGE = (
    "This testimony already has {count} files, the most it can have. "
    "Remove a file before attaching another"
)


def too_large_message(max_bytes: int) -> str:
    return f"The selected file must be smaller than {filetypes.describe_size(max_bytes)}"


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def max_count() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_COUNT", MAX_ATTACHMENTS))


# Forms --------------------------------------------------------------------------------


class AttachmentForm(BaseForm):
    accept = filetypes.ACCEPT  # for the input's accept attribute
    file = GovFileField("Upload a file", validators=[FileRequired(message=SELECT_MESSAGE)])
    submit = GovSubmitField("Attach file")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.file.description = (
            f"A {filetypes.ALLOWED_LABELS} file, up to {filetypes.describe_size(max_bytes())}."
        )


class RemoveForm(BaseForm):
    """Only the CSRF token, behind the confirmation button."""


# Services -----------------------------------------------------------------------------


class AttachmentError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def add_attachment(
    session,
    testimony: Testimony,
    *,
    inquiry: Inquiry,
    actor: User,
    filename: str | None,
    data: bytes,
    upload_folder: str,
    max_bytes: int,
    max_count: int,
    now: datetime,
) -> TestimonyAttachment:
    """Check the file, store it and record it. Flushes; the caller commits.

    If anything fails after the file is written, the file is removed again.
    """
    if not data:
        raise AttachmentError(EMPTY_MESSAGE)
    if len(data) > max_bytes:
        raise AttachmentError(too_large_message(max_bytes))
    kind = filetypes.detect(data)
    if kind is None:
        raise AttachmentError(WRONG_TYPE_MESSAGE)
    if len(testimony.attachments) >= max_count:
        raise AttachmentError(TOO_MANY_MESSAGE.format(count=len(testimony.attachments)))
    storage_name = storage.save(upload_folder, data)
    try:
        attachment = TestimonyAttachment(
            filename=filetypes.safe_filename(filename, kind),
            content_type=kind.content_type,
            size=len(data),
            storage_name=storage_name,
            sha256=_sha256(data),
            created_at=now,
        )
        testimony.attachments.append(attachment)
        session.flush()
        record(
            session,
            "testimony.attachment_added",
            actor=actor,
            inquiry=inquiry,
            object_type="testimony",
            object_id=testimony.id,
            attachment_id=attachment.id,
            content_type=kind.content_type,
        )
    except BaseException:
        storage.delete(upload_folder, storage_name)
        raise
    return attachment


def remove_attachment(
    session, attachment: TestimonyAttachment, *, inquiry: Inquiry, actor: User
) -> str:
    """Delete the row and record it; returns the storage name, whose file the caller
    removes once the change is committed (so a failed commit loses nothing)."""
    testimony = attachment.testimony
    storage_name = attachment.storage_name
    attachment_id = attachment.id
    testimony.attachments.remove(attachment)
    session.flush()
    record(
        session,
        "testimony.attachment_removed",
        actor=actor,
        inquiry=inquiry,
        object_type="testimony",
        object_id=testimony.id,
        attachment_id=attachment_id,
    )
    return storage_name


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    """Read at most ``limit`` bytes; None if there is more (without reading it all)."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(CHUNK_SIZE, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        return None
    return b"".join(chunks)


# Template helpers ---------------------------------------------------------------------


@bp.app_template_global("new_attachment_form")
def _new_attachment_form() -> AttachmentForm:
    return AttachmentForm(formdata=None)


@bp.app_template_global("attachment_max_count")
def _attachment_max_count() -> int:
    return max_count()


@bp.app_template_filter("attachment_size")
def _attachment_size(size: int) -> str:
    return filetypes.describe_size(size)


@bp.app_template_filter("attachment_type")
def _attachment_type(content_type: str) -> str:
    kind = filetypes.BY_CONTENT_TYPE.get(content_type)
    return kind.label if kind else "File"


# Views --------------------------------------------------------------------------------

URL = "/inquiries/<int:inquiry_id>/testimony/<int:testimony_id>/attachments"


def _load_testimony(inquiry: Inquiry, testimony_id: int) -> Testimony:
    """The testimony, if it belongs to the inquiry and its files are visible to the user."""
    testimony = db.session.get(Testimony, testimony_id)
    if testimony is None or not policy.can_download_attachments(current_user, inquiry, testimony):
        abort(404)
    return testimony


def _load_attachment(testimony: Testimony, attachment_id: int) -> TestimonyAttachment:
    attachment = db.session.get(TestimonyAttachment, attachment_id)
    if attachment is None or attachment.testimony_id != testimony.id:
        abort(404)
    return attachment


def _require_change(inquiry: Inquiry, testimony: Testimony) -> None:
    if not policy.can_change_attachments(current_user, inquiry, testimony):
        abort(403)


TESTIMONY_PAGE = "testimony.show"


def _own_url(inquiry: Inquiry, testimony: Testimony) -> str:
    """The testimony's own page, or this feature's page for it."""
    endpoint = (
        TESTIMONY_PAGE if TESTIMONY_PAGE in current_app.view_functions else "attachments.upload"
    )
    return url_for(endpoint, inquiry_id=inquiry.id, testimony_id=testimony.id)


def _next_url(inquiry: Inquiry, testimony: Testimony, *, body: bool = True) -> str:
    """Where to return: the page that sent the request, if it is a page of this inquiry.

    ``body=False`` looks only at the query string, leaving a refused body unread.
    """
    target = (request.values if body else request.args).get("next", "")
    parts = urlsplit(target)
    safe = (
        target
        and target.isprintable()
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        and "//" not in target
        and parts.path.startswith(f"/inquiries/{inquiry.id}/")
    )
    return target if safe else _own_url(inquiry, testimony)


def _upload_page(
    inquiry: Inquiry, testimony: Testimony, form: AttachmentForm, *, body: bool = True
):
    return render_template(
        "attachments/upload.html",
        inquiry=inquiry,
        testimony=testimony,
        form=form,
        attachment_form=form,
        can_edit_attachments=True,
        back_url=_next_url(inquiry, testimony, body=body),
    )


@bp.route(URL, methods=["GET", "POST"])
@requires(policy.can_attach_files)
@limiter.limit(config_limit("UPLOAD_LIMIT_PER_USER"), key_func=per_user, methods=["POST"])
@csrf.exempt  # checked below, once the size is known to be acceptable
def upload(inquiry: Inquiry, testimony_id: int):
    testimony = _load_testimony(inquiry, testimony_id)
    _require_change(inquiry, testimony)
    limit = max_bytes()
    if request.method == "POST" and (request.content_length or 0) > limit + UPLOAD_OVERHEAD:
        # Refused before the body is read (the usual CSRF check would read it all).
        form = AttachmentForm(formdata=None)
        form.add_field_error("file", too_large_message(limit))
        return _upload_page(inquiry, testimony, form, body=False)
    if request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # the "form has expired" page when the token is wrong
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _upload_page(inquiry, testimony, form)
    if len(testimony.attachments) >= max_count():
        form.add_field_error("file", TOO_MANY_MESSAGE.format(count=len(testimony.attachments)))
        return _upload_page(inquiry, testimony, form)
    upload_file = form.file.data
    data = read_limited(upload_file.stream, limit)
    if data is None:
        form.add_field_error("file", too_large_message(limit))
        return _upload_page(inquiry, testimony, form)
    folder = current_app.config["UPLOAD_FOLDER"]
    try:
        attachment = add_attachment(
            db.session,
            testimony,
            inquiry=inquiry,
            actor=current_user,
            filename=upload_file.filename,
            data=data,
            upload_folder=folder,
            max_bytes=limit,
            max_count=max_count(),
            now=utcnow(),
        )
    except AttachmentError as error:
        db.session.rollback()
        form.add_field_error("file", error.message)
        return _upload_page(inquiry, testimony, form)
    storage_name, filename = attachment.storage_name, attachment.filename
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.delete(folder, storage_name)
        raise
    flash(f"File attached: {filename}", "success")
    return redirect(_next_url(inquiry, testimony))


@bp.route(URL + "/<int:attachment_id>")
@requires(policy.is_member)
def download(inquiry: Inquiry, testimony_id: int, attachment_id: int):
    testimony = _load_testimony(inquiry, testimony_id)
    attachment = _load_attachment(testimony, attachment_id)
    try:
        path = storage.open_path(current_app.config["UPLOAD_FOLDER"], attachment.storage_name)
    except storage.StorageNameError:
        abort(404)
    if not path.is_file():
        log.warning("attachment %s has no file", attachment.id)
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        conditional=False,
        etag=False,
        last_modified=None,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(URL + "/<int:attachment_id>/remove", methods=["GET", "POST"])
@requires(policy.can_attach_files)
def remove(inquiry: Inquiry, testimony_id: int, attachment_id: int):
    testimony = _load_testimony(inquiry, testimony_id)
    attachment = _load_attachment(testimony, attachment_id)
    _require_change(inquiry, testimony)
    form = RemoveForm()
    if form.validate_on_submit():
        filename = attachment.filename
        storage_name = remove_attachment(
            db.session, attachment, inquiry=inquiry, actor=current_user
        )
        db.session.commit()
        try:
            storage.delete(current_app.config["UPLOAD_FOLDER"], storage_name)
        except OSError:
            log.exception("could not remove the file of a removed attachment")
        flash(f"File removed: {filename}", "success")
        return redirect(_next_url(inquiry, testimony))
    return render_template(
        "attachments/remove.html",
        inquiry=inquiry,
        testimony=testimony,
        attachment=attachment,
        form=form,
        back_url=_next_url(inquiry, testimony),
    )
