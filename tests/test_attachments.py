"""Files attached to testimony: types from content, sizes, storage, downloads and access."""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import add_member, error_messages, make_app, make_inquiry, make_user, sign_in_as
from flask import render_template

from inquiry import policy
from inquiry.audit.service import ACTION_LABELS
from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    Membership,
    Role,
    Testimony,
    TestimonyAttachment,
    TestimonyStatus,
    utcnow,
)
from inquiry.testimony import attachments, filetypes, storage

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert('hello')</script></body></html>"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


@pytest.fixture(autouse=True)
def upload_folder(app, monkeypatch, tmp_path) -> Path:
    """A fresh upload folder for each test; it does not exist until the first file."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


def membership(inquiry, user) -> Membership:
    return db.session.scalar(
        db.select(Membership).where(
            Membership.inquiry_id == inquiry.id, Membership.user_id == user.id
        )
    )


def make_testimony(inquiry, witness_membership, status=TestimonyStatus.APPROVED) -> Testimony:
    testimony = Testimony(
        inquiry_id=inquiry.id,
        witness_id=witness_membership.id,
        title="Coming home from hospital",
        body="The carers came at different times every day.\n\nMy daughter took unpaid leave.",
        status=status,
    )
    db.session.add(testimony)
    db.session.commit()
    return testimony


def attach(testimony, data=PNG, filename="carers-rota.png") -> TestimonyAttachment:
    """An attachment stored directly, as if uploaded earlier."""
    from flask import current_app

    kind = filetypes.detect(data)
    attachment = TestimonyAttachment(
        filename=filename,
        content_type=kind.content_type,
        size=len(data),
        storage_name=storage.save(current_app.config["UPLOAD_FOLDER"], data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    testimony.attachments.append(attachment)
    db.session.commit()
    return attachment


@pytest.fixture
def testimony(world) -> Testimony:
    return make_testimony(world.inquiry, membership(world.inquiry, world.people["witness"]))


def upload_url(testimony) -> str:
    return f"/inquiries/{testimony.inquiry_id}/testimony/{testimony.id}/attachments"


def download_url(testimony, attachment) -> str:
    return f"{upload_url(testimony)}/{attachment.id}"


def show_url(testimony) -> str:
    """Where uploads and removals return to by default: the testimony's own page."""
    return f"/inquiries/{testimony.inquiry_id}/testimony/{testimony.id}"


def remove_url(testimony, attachment) -> str:
    return f"{download_url(testimony, attachment)}/remove"


def post_file(client, testimony, data, filename, content_type="application/octet-stream", **extra):
    return client.post(
        upload_url(testimony),
        data={"file": (io.BytesIO(data), filename, content_type), **extra},
        content_type="multipart/form-data",
    )


def stored_files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def page_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# Types are decided by content ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (HTML, "report.pdf", "application/pdf"),
        (EXECUTABLE, "report.pdf", "application/pdf"),
        (EXECUTABLE, "photo.jpg", "image/jpeg"),
        (b"GIF89a" + b"\x00" * 20, "scan.png", "image/png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "diagram.png", "image/png"),
    ],
    ids=["html-as-pdf", "exe-as-pdf", "exe-as-jpeg", "gif-as-png", "svg-as-png"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    client, world, testimony, upload_folder, data, filename, content_type
):
    sign_in_as(client, world.people["witness"])
    response = post_file(client, testimony, data, filename, content_type)
    assert response.status_code == 200
    page = page_of(response)
    assert error_messages(page) == ["The selected file must be a PDF, PNG or JPEG"]
    assert (
        "The selected file must be a PDF, PNG or JPEG"
        in page.select_one(".govuk-error-message").get_text()
    )
    assert page.title.get_text().startswith("Error: Attach a file")
    assert "Coming home from hospital" in page.get_text()
    assert db.session.scalars(db.select(TestimonyAttachment)).all() == []
    assert stored_files(upload_folder) == []


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "stored_name"),
    [
        (PDF, "Letter from the GP.pdf", "application/pdf", "Letter from the GP.pdf"),
        (PNG, "carers-rota.png", "image/png", "carers-rota.png"),
        (JPEG, "kitchen.JPG", "image/jpeg", "kitchen.jpg"),
        # The browser's type and the name's extension are ignored; the content decides.
        (PNG, "medication chart.pdf", "application/pdf", "medication chart.png"),
        (JPEG, "hallway", "text/html", "hallway.jpg"),
    ],
    ids=["pdf", "png", "jpeg", "png-named-pdf", "jpeg-without-extension"],
)
def test_each_allowed_type_is_accepted_from_its_content(
    client, world, testimony, upload_folder, data, filename, content_type, stored_name
):
    sign_in_as(client, world.people["witness"])
    response = post_file(client, testimony, data, filename, content_type)
    assert response.status_code == 302
    assert response.headers["Location"] == show_url(testimony)

    attachment = db.session.scalars(db.select(TestimonyAttachment)).one()
    kind = filetypes.detect(data)
    assert attachment.testimony_id == testimony.id
    assert attachment.filename == stored_name
    assert attachment.content_type == kind.content_type
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.storage_name)
    assert stored_files(upload_folder) == [attachment.storage_name]
    assert (upload_folder / attachment.storage_name).read_bytes() == data

    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "testimony.attachment_added")
    ).one()
    assert event.actor_id == world.people["witness"].id
    assert event.inquiry_id == world.inquiry.id
    assert (event.object_type, event.object_id) == ("testimony", testimony.id)
    assert event.details == {"attachment_id": attachment.id, "content_type": kind.content_type}
    assert ACTION_LABELS["testimony.attachment_added"]

    page = page_of(client.get(show_url(testimony)))
    assert f"File attached: {stored_name}" in page.get_text()
    assert stored_name in page.select_one(".app-attachments").get_text()


def test_the_upload_page_shows_the_allowed_types_and_size(client_request, world, testimony):
    page = client_request.login(world.people["witness"]).get(upload_url(testimony))
    assert page.select_one(".govuk-caption-l").get_text() == "Coming home from hospital"
    hint = page.select_one(".govuk-hint").get_text()
    assert "PDF, PNG or JPEG" in hint
    assert "10 MB" in hint
    form = page.select_one("form[enctype='multipart/form-data']")
    assert form["action"] == upload_url(testimony)
    assert form.select_one("input[name=csrf_token]") is not None
    assert form.select_one("input[type=file][name=file]")["accept"].startswith(".pdf")
    assert "No files are attached to this testimony." in page.get_text()


# Sizes --------------------------------------------------------------------------------


class UnreadableStream(io.BytesIO):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs) -> bytes:
        raise AssertionError("the body was read")

    readline = readinto = read1 = read


def test_an_oversized_upload_is_refused_before_the_body_is_read(
    client, world, testimony, upload_folder
):
    sign_in_as(client, world.people["witness"])
    response = client.post(
        upload_url(testimony),
        input_stream=UnreadableStream(),
        content_type="multipart/form-data; boundary=xyz",
        # What the browser announces, before sending 11 MB.
        environ_overrides={"CONTENT_LENGTH": str(11 * 1024 * 1024)},
    )
    assert response.status_code == 200
    assert error_messages(page_of(response)) == ["The selected file must be smaller than 10 MB"]
    assert stored_files(upload_folder) == []


def test_a_file_just_over_the_limit_is_refused_after_reading_one_byte_too_many(
    app, client, world, testimony, upload_folder, monkeypatch
):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 2048)
    sign_in_as(client, world.people["witness"])
    exact = PNG + b"\x00" * (2048 - len(PNG))
    response = post_file(client, testimony, exact + b"\x00", "big.png")
    assert error_messages(page_of(response)) == ["The selected file must be smaller than 2 KB"]
    assert stored_files(upload_folder) == []

    assert post_file(client, testimony, exact, "just-right.png").status_code == 302
    assert db.session.scalars(db.select(TestimonyAttachment)).one().size == 2048


def test_reading_stops_one_byte_past_the_limit():
    class CountingStream(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            chunk = super().read(size)
            self.consumed += len(chunk)
            return chunk

    stream = CountingStream(b"x" * 500_000)
    assert attachments.read_limited(stream, 100_000) is None
    assert stream.consumed == 100_001
    assert attachments.read_limited(io.BytesIO(b"abc"), 3) == b"abc"


def test_an_empty_file_or_no_file_is_refused(client, world, testimony, upload_folder):
    sign_in_as(client, world.people["researcher"])
    response = post_file(client, testimony, b"", "empty.pdf", "application/pdf")
    assert error_messages(page_of(response)) == ["The selected file is empty"]

    response = client.post(upload_url(testimony), data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert error_messages(page_of(response)) == ["Select a PDF, PNG or JPEG file"]
    assert stored_files(upload_folder) == []


def test_a_testimony_holds_at_most_ten_files(client, world, testimony, upload_folder):
    for number in range(10):
        attach(testimony, filename=f"page-{number}.png")
    sign_in_as(client, world.people["witness"])
    page = page_of(client.get(upload_url(testimony)))
    assert "the most it can have" in page.get_text()
    assert page.select_one("input[type=file]") is None

    response = post_file(client, testimony, PNG, "one-more.png")
    assert response.status_code == 200
    assert error_messages(page_of(response)) == [
        "This testimony already has 10 files, the most it can have. "
        "Remove a file before attaching another"
    ]
    assert len(stored_files(upload_folder)) == 10


# Names and storage --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/var/www/static/index.pdf", "index.pdf"),
        ("....pdf", "attachment.pdf"),
        ("..", "attachment.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("care plan (final?).pdf", "care plan (final_).pdf"),
    ],
)
def test_names_with_path_tricks_are_stored_safely(
    client, world, testimony, upload_folder, tmp_path, sent, shown
):
    sign_in_as(client, world.people["witness"])
    assert post_file(client, testimony, PDF, sent, "application/pdf").status_code == 302
    attachment = db.session.scalars(db.select(TestimonyAttachment)).one()
    assert attachment.filename == shown
    assert stored_files(upload_folder) == [attachment.storage_name]
    # Nothing was written next to the upload folder either.
    assert sorted(os.listdir(tmp_path)) == ["uploads"]


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("report\x00.exe.pdf", filetypes.PDF, "report .exe.pdf"),
        ("care\nplan\r\n.pdf", filetypes.PDF, "care plan.pdf"),
        ("\x00\x01\x02", filetypes.PNG, "attachment.png"),
        ("", filetypes.JPEG, "attachment.jpg"),
        (None, filetypes.PDF, "attachment.pdf"),
        ("Photo of Mam's garden.jpeg", filetypes.JPEG, "Photo of Mam's garden.jpeg"),
        ("Llythyr gan y meddyg: Gŵyl.pdf", filetypes.PDF, "Llythyr gan y meddyg_ Gŵyl.pdf"),
        ("notes.final", filetypes.PDF, "notes.final.pdf"),
        ("..\\..\\windows\\system32\\evidence.pdf", filetypes.PDF, "evidence.pdf"),
        ("....pdf", filetypes.PDF, "attachment.pdf"),
        (".hidden.png", filetypes.PNG, "hidden.png"),
        ("notes.", filetypes.PDF, "notes.pdf"),
        ("scan.png", filetypes.PDF, "scan.pdf"),
        ("invoice.pdf\u202egnp.exe", filetypes.PDF, "invoice.pdf gnp.exe.pdf"),
    ],
)
def test_display_names_are_sanitised(name, kind, expected):
    assert filetypes.safe_filename(name, kind) == expected


def test_long_names_are_cut_to_200_characters_keeping_the_extension():
    name = filetypes.safe_filename("a" * 500 + ".pdf", filetypes.PDF)
    assert len(name) == 200
    assert name.endswith("a.pdf")


def test_a_name_with_a_nul_or_newline_is_stored_safely_through_the_service(
    app, world, testimony, upload_folder
):
    attachment = attachments.add_attachment(
        db.session,
        testimony,
        inquiry=world.inquiry,
        actor=world.people["witness"],
        filename="../visit\x00notes\n.pdf",
        data=PDF,
        upload_folder=app.config["UPLOAD_FOLDER"],
        max_bytes=app.config["ATTACHMENT_MAX_BYTES"],
        max_count=10,
        now=utcnow(),
    )
    db.session.commit()
    assert attachment.filename == "visit notes.pdf"
    assert stored_files(upload_folder) == [attachment.storage_name]


@pytest.mark.parametrize(
    "name", ["", "../secret", "abc", "a" * 32 + ".pdf", "A" * 32, "/etc/passwd", "0" * 31]
)
def test_only_storage_names_this_module_made_are_opened(tmp_path, name):
    with pytest.raises(storage.StorageNameError):
        storage.open_path(tmp_path, name)
    with pytest.raises(storage.StorageNameError):
        storage.delete(tmp_path, name)


def test_files_are_written_whole_under_a_random_name(tmp_path):
    folder = tmp_path / "not-yet-made"
    first = storage.save(folder, PDF)
    second = storage.save(folder, PDF)
    assert first != second
    assert storage.open_path(folder, first).read_bytes() == PDF
    assert sorted(os.listdir(folder)) == sorted([first, second])  # no temporary files left
    assert storage.delete(folder, first) is True
    assert storage.delete(folder, first) is False


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.save(tmp_path, PDF)
    assert os.listdir(tmp_path) == []


def test_when_the_database_part_fails_the_file_is_removed(
    app, world, testimony, upload_folder, monkeypatch
):
    def failing_record(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(attachments, "record", failing_record)
    with pytest.raises(RuntimeError):
        attachments.add_attachment(
            db.session,
            testimony,
            inquiry=world.inquiry,
            actor=world.people["witness"],
            filename="letter.pdf",
            data=PDF,
            upload_folder=app.config["UPLOAD_FOLDER"],
            max_bytes=app.config["ATTACHMENT_MAX_BYTES"],
            max_count=10,
            now=utcnow(),
        )
    db.session.rollback()
    assert stored_files(upload_folder) == []


# Downloads ----------------------------------------------------------------------------


def test_a_download_is_served_as_an_attachment_that_is_never_sniffed_or_cached(
    client, world, testimony
):
    attachment = attach(testimony, PDF, "Letter from the GP.pdf")
    sign_in_as(client, world.people["participant"])
    response = client.get(download_url(testimony, attachment))
    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="Letter from the GP.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_download_with_a_name_outside_ascii_keeps_the_name(client, world, testimony):
    attachment = attach(testimony, JPEG, "Gŵyl y gymuned.jpg")
    sign_in_as(client, world.people["researcher"])
    disposition = client.get(download_url(testimony, attachment)).headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''G%C5%B5yl%20y%20gymuned.jpg" in disposition


def test_another_inquirys_file_is_never_served_by_changing_ids(client, world, testimony):
    own = attach(testimony)
    outsider = world.people["other_member"]
    other_witness = make_user("glenys.witness@example.org")
    other_membership = add_member(world.other_inquiry, other_witness, Role.WITNESS)
    elsewhere = make_testimony(world.other_inquiry, other_membership)
    theirs = attach(elsewhere, PDF, "their-letter.pdf")
    inquiry_id = world.inquiry.id

    sign_in_as(client, world.people["researcher"])
    for url in (
        f"/inquiries/{inquiry_id}/testimony/{elsewhere.id}/attachments/{theirs.id}",
        f"/inquiries/{inquiry_id}/testimony/{testimony.id}/attachments/{theirs.id}",
        f"/inquiries/{inquiry_id}/testimony/{elsewhere.id}/attachments/{own.id}",
        f"/inquiries/{inquiry_id}/testimony/{elsewhere.id}/attachments",
        f"/inquiries/{inquiry_id}/testimony/{testimony.id}/attachments/{theirs.id}/remove",
        f"/inquiries/{inquiry_id}/testimony/{testimony.id}/attachments/999999",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/inquiries/{inquiry_id}/testimony/{testimony.id}/attachments/{theirs.id}/remove"
    )
    assert response.status_code == 404
    assert db.session.get(TestimonyAttachment, theirs.id) is not None

    # The other inquiry's own researcher cannot reach this inquiry's file either.
    sign_in_as(client, outsider)
    other_id = world.other_inquiry.id
    assert client.get(download_url(testimony, own)).status_code == 404
    assert (
        client.get(
            f"/inquiries/{other_id}/testimony/{testimony.id}/attachments/{own.id}"
        ).status_code
        == 404
    )
    assert client.get(download_url(elsewhere, theirs)).status_code == 200


@pytest.mark.parametrize(
    "status",
    [TestimonyStatus.DRAFT, TestimonyStatus.AWAITING_REVIEW, TestimonyStatus.CHANGES_REQUESTED],
)
def test_files_of_unapproved_testimony_are_hidden_from_other_members(client, world, status):
    testimony = make_testimony(
        world.inquiry, membership(world.inquiry, world.people["witness"]), status
    )
    attachment = attach(testimony)
    another_witness = make_user("bryn.witness@example.org")
    add_member(world.inquiry, another_witness, Role.WITNESS)
    for actor, expected in (
        (world.people["participant"], 404),
        (world.people["commissioner"], 404),
        (world.people["observer"], 404),
        (another_witness, 404),
        (world.people["witness"], 200),
        # A draft is the witness's alone until they share it; researchers see the rest.
        (world.people["researcher"], 404 if status == TestimonyStatus.DRAFT else 200),
    ):
        sign_in_as(client, actor)
        assert client.get(download_url(testimony, attachment)).status_code == expected, actor


def test_files_of_approved_testimony_are_open_to_every_member(client, world, testimony):
    attachment = attach(testimony)
    for role in ("participant", "commissioner", "observer", "witness", "researcher"):
        sign_in_as(client, world.people[role])
        assert client.get(download_url(testimony, attachment)).status_code == 200, role
    sign_in_as(client, world.people["no_role"])
    assert client.get(download_url(testimony, attachment)).status_code == 404


def test_withdrawn_testimony_loses_its_files(app, client, world, testimony, upload_folder):
    first = attach(testimony, PDF, "letter.pdf")
    second = attach(testimony, PNG, "photo.png")
    paths = [upload_folder / first.storage_name, upload_folder / second.storage_name]
    kept = attach(make_testimony(world.inquiry, testimony.witness), JPEG, "other.jpg")

    assert storage.delete_files(db.session, testimony) == 2
    testimony.status = TestimonyStatus.WITHDRAWN
    testimony.body = None
    db.session.commit()

    assert not any(path.exists() for path in paths)
    remaining = db.session.scalars(db.select(TestimonyAttachment)).all()
    assert [attachment.id for attachment in remaining] == [kept.id]
    assert stored_files(upload_folder) == [kept.storage_name]
    for role in ("researcher", "witness", "participant"):
        sign_in_as(client, world.people[role])
        assert client.get(download_url(testimony, first)).status_code == 404
    for role in ("researcher", "witness"):
        sign_in_as(client, world.people[role])
        assert client.get(upload_url(testimony)).status_code == 404


def test_a_missing_file_gives_not_found_rather_than_an_error(
    client, world, testimony, upload_folder
):
    attachment = attach(testimony)
    (upload_folder / attachment.storage_name).unlink()
    sign_in_as(client, world.people["researcher"])
    assert client.get(download_url(testimony, attachment)).status_code == 404


# Who may add and remove ---------------------------------------------------------------


def test_only_the_testimonys_witness_and_researchers_may_change_its_files(
    client, world, testimony, upload_folder
):
    attachment = attach(testimony)
    another_witness = make_user("bryn.witness@example.org")
    add_member(world.inquiry, another_witness, Role.WITNESS)

    sign_in_as(client, another_witness)
    assert post_file(client, testimony, PNG, "mine.png").status_code == 403
    assert client.get(remove_url(testimony, attachment)).status_code == 403
    assert client.post(remove_url(testimony, attachment)).status_code == 403
    for role in ("participant", "commissioner", "observer"):
        sign_in_as(client, world.people[role])
        assert post_file(client, testimony, PNG, "mine.png").status_code == 403
        assert client.post(remove_url(testimony, attachment)).status_code == 403
    assert len(stored_files(upload_folder)) == 1

    sign_in_as(client, world.people["researcher"])
    assert post_file(client, testimony, PNG, "added-by-researcher.png").status_code == 302
    assert len(testimony.attachments) == 2


def test_the_policy_rules_for_testimony(world, testimony):
    people = world.people
    draft = make_testimony(world.inquiry, testimony.witness, TestimonyStatus.DRAFT)
    withdrawn = make_testimony(world.inquiry, testimony.witness, TestimonyStatus.WITHDRAWN)
    inquiry = world.inquiry

    assert policy.can_see_testimony(people["participant"], inquiry, testimony)
    assert not policy.can_see_testimony(people["participant"], inquiry, draft)
    assert policy.can_see_testimony(people["witness"], inquiry, draft)
    assert not policy.can_see_testimony(people["researcher"], inquiry, draft)
    assert not policy.can_see_testimony(people["other_member"], inquiry, testimony)
    assert not policy.can_see_testimony(people["disabled"], inquiry, testimony)
    # A testimony of another inquiry is never seen through this one.
    assert not policy.can_see_testimony(people["researcher"], world.other_inquiry, testimony)

    assert not policy.can_download_attachments(people["researcher"], inquiry, withdrawn)
    assert not policy.can_change_attachments(people["witness"], inquiry, withdrawn)
    assert not policy.can_change_attachments(people["researcher"], inquiry, withdrawn)
    assert policy.can_change_attachments(people["witness"], inquiry, draft)
    assert policy.can_change_attachments(people["researcher"], inquiry, testimony)
    assert not policy.can_change_attachments(people["participant"], inquiry, testimony)


def test_removing_a_file_asks_first_then_deletes_the_row_and_the_file(
    client_request, world, testimony, upload_folder
):
    attachment = attach(testimony, PDF, "Letter from the GP.pdf")
    attachment_id, url = attachment.id, remove_url(testimony, attachment)
    client_request.login(world.people["witness"])
    page = client_request.get(url)
    assert page.h1.get_text() == "Remove Letter from the GP.pdf?"
    assert (upload_folder / attachment.storage_name).exists()

    location = client_request.post_redirect(url)
    assert location == show_url(testimony)
    assert db.session.scalars(db.select(TestimonyAttachment)).all() == []
    assert stored_files(upload_folder) == []
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "testimony.attachment_removed")
    ).one()
    assert event.details == {"attachment_id": attachment_id}
    assert ACTION_LABELS["testimony.attachment_removed"]


def test_the_page_returned_to_must_be_a_page_of_the_inquiry(client, world, testimony):
    sign_in_as(client, world.people["witness"])
    own_page = f"/inquiries/{world.inquiry.id}/testimony/{testimony.id}"
    response = post_file(client, testimony, PNG, "a.png", next=own_page)
    assert response.headers["Location"] == own_page
    for target in (
        "https://elsewhere.example/",
        "//elsewhere.example/inquiries/1/",
        f"/inquiries/{world.other_inquiry.id}/overview",
        "/inquiries/1/\\\\elsewhere.example",
    ):
        response = post_file(client, testimony, PNG, "a.png", next=target)
        assert response.headers["Location"] == show_url(testimony), target


# The partial that other pages include ------------------------------------------------


def render_partial(app, inquiry, testimony, can_edit) -> BeautifulSoup:
    with app.test_request_context(f"/inquiries/{inquiry.id}/testimony/{testimony.id}"):
        html = render_template(
            "testimony/_attachments.html",
            inquiry=inquiry,
            testimony=testimony,
            can_edit_attachments=can_edit,
        )
    return BeautifulSoup(html, "html.parser")


def test_the_partial_lists_files_and_offers_changes_only_when_allowed(app, world, testimony):
    attach(testimony, PDF, "Letter from the GP.pdf")
    attach(testimony, PNG + b"\x00" * 3000, "<b>rota</b>.png")

    page = render_partial(app, world.inquiry, testimony, can_edit=True)
    links = page.select("a[href*='/attachments/']:not([href$='/remove']):not([href*='remove'])")
    assert [link.get_text() for link in links] == ["Letter from the GP.pdf", "<b>rota</b>.png"]
    assert page.find("b") is None  # the name is escaped
    text = " ".join(page.get_text().split())
    assert "PDF, 1 KB" in text
    assert "PNG, 3 KB" in text
    removes = page.select("a[href*='/remove']")
    assert len(removes) == 2
    assert "next=" in removes[0]["href"]
    form = page.select_one("form")
    assert form["action"] == upload_url(testimony)
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("input[name=csrf_token]") is not None
    assert form.select_one("input[name=next]")["value"] == (
        f"/inquiries/{world.inquiry.id}/testimony/{testimony.id}"
    )

    page = render_partial(app, world.inquiry, testimony, can_edit=False)
    assert len(page.select("a[href*='/attachments/']")) == 2
    assert page.select("a[href*='/remove']") == []
    assert page.select_one("form") is None


def test_the_partial_says_when_there_are_no_files(app, world, testimony):
    page = render_partial(app, world.inquiry, testimony, can_edit=False)
    assert "No files are attached to this testimony." in page.get_text()


def test_file_sizes_read_naturally():
    assert filetypes.describe_size(1) == "1 KB"
    assert filetypes.describe_size(1024) == "1 KB"
    assert filetypes.describe_size(1025) == "2 KB"
    assert filetypes.describe_size(10 * 1024 * 1024) == "10 MB"
    assert filetypes.describe_size(2_500_000) == "2.4 MB"


def test_withdrawing_testimony_through_the_erasure_hook_removes_its_files(
    world, testimony, upload_folder
):
    from inquiry.testimony import erasure

    assert storage.delete_files in erasure.ERASERS
    first = attach(testimony, PDF, "letter.pdf")
    path = upload_folder / first.storage_name
    erasure.erase(db.session, testimony, now=utcnow())
    db.session.commit()
    assert not path.exists()
    assert db.session.scalars(db.select(TestimonyAttachment)).all() == []


def test_uploads_still_need_the_csrf_token_and_big_ones_are_refused_first(
    app, client, world, testimony, upload_folder, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    sign_in_as(client, world.people["witness"])
    url = upload_url(testimony)
    response = post_file(client, testimony, PNG, "rota.png")
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)

    # The size is refused before the usual CSRF check could read the body.
    response = client.post(
        url,
        input_stream=UnreadableStream(),
        content_type="multipart/form-data; boundary=xyz",
        environ_overrides={"CONTENT_LENGTH": str(11 * 1024 * 1024)},
    )
    assert response.status_code == 200
    assert error_messages(page_of(response)) == ["The selected file must be smaller than 10 MB"]

    page = page_of(client.get(url))
    token = page.select_one("form[enctype] input[name=csrf_token]")["value"]
    response = post_file(client, testimony, PNG, "rota.png", csrf_token=token)
    assert response.status_code == 302
    assert len(stored_files(upload_folder)) == 1


def test_uploads_are_rate_limited_per_person(app, tmp_path):
    limited = make_app(
        RATELIMIT_ENABLED=True,
        UPLOAD_LIMIT_PER_USER="2 per hour",
        UPLOAD_FOLDER=str(tmp_path / "limited"),
    )
    with limited.app_context():
        db.create_all()
        researcher = make_user("rhiannon.researcher@example.org", researcher=True)
        inquiry = make_inquiry(researcher)
        witness = make_user("wendy.witness@example.org")
        testimony = make_testimony(inquiry, add_member(inquiry, witness, Role.WITNESS))
        client = sign_in_as(limited.test_client(), witness)
        statuses = [
            post_file(client, testimony, PNG, f"letter-{n}.png", "image/png").status_code
            for n in range(2)
        ]
        refused = post_file(client, testimony, PNG, "letter-3.png", "image/png")
        assert statuses == [302, 302]
        assert refused.status_code == 429
        assert page_of(refused).h1.get_text(strip=True) == "Too many attempts"
        assert len(db.session.get(Testimony, testimony.id).attachments) == 2
        # Another person is not held up by the witness's uploads.
        sign_in_as(client, researcher)
        assert post_file(client, testimony, PNG, "scan.png", "image/png").status_code == 302
