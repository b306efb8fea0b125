"""The report page for every member, the narrative form, publishing, and downloads of
versions and drafts: served from storage as stored, audited, allowed per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_rows.reports import stored_build
from conftest import check_page, counting_queries, error_messages, sign_in_as
from flask import Flask

from inquiry.extensions import db
from inquiry.models import (
    AuditEvent,
    BuildKind,
    BuildStatus,
    InquiryMode,
    Report,
    ReportBuild,
    ReviewStatus,
    utcnow,
)
from inquiry.reports import jobs, services, storage
from inquiry.reports.defaults import default_method

PEOPLE = ("participant", "witness", "commissioner", "observer", "researcher")


@pytest.fixture(autouse=True)
def _own_report_folder(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setitem(shared_app.config, "REDIS_URL", "")
    monkeypatch.setitem(shared_app.config, "REPORT_FOLDER", str(tmp_path / "reports"))
    worker = jobs.local_worker(shared_app)
    worker.clear()
    worker.hold()
    yield
    worker.clear()


def url(inquiry, path: str = "") -> str:
    return f"/inquiries/{inquiry.id}/report{path}"


def downloads() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.action == "report.downloaded")
            .order_by(AuditEvent.id)
        )
    )


# The report page ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_before_publishing_every_member_is_told_it_is_not_published_yet(
    client_request, world, person
):
    page = client_request.login(world.people[person]).get(url(world.inquiry))
    assert page.h1.get_text(strip=True) == "The report"
    assert page.select_one("#no-versions")
    assert page.select_one("#versions") is None
    researcher_parts = page.select_one("#builds") is not None
    assert researcher_parts == (person == "researcher")


@pytest.mark.parametrize("person", PEOPLE)
def test_every_member_sees_the_published_versions_with_dates_sizes_and_hashes(
    client_request, world, person
):
    inquiry = world.inquiry
    stored_build(inquiry, kind=BuildKind.PUBLISHED, version=1, label="First edition")
    second = stored_build(
        inquiry, kind=BuildKind.PUBLISHED, version=2, label="With the commissioner's response"
    )
    stored_build(inquiry)  # a draft, not listed for anyone
    page = client_request.login(world.people[person]).get(url(inquiry))
    rows = page.select("#versions tbody tr")
    assert [" ".join(row.th.get_text().split()) for row in rows] == [
        "Version 2 Latest With the commissioner's response",
        "Version 1 First edition",
    ]
    links = [a["href"] for a in rows[0].select("a")]
    assert links == [
        url(inquiry, f"/versions/2.{suffix}") for suffix in ("pdf", "html", "csv", "json")
    ]
    # Both fingerprints: the PDF's and the web page's.
    fingerprints = [" ".join(p.get_text().split()) for p in rows[0].select(".app-fingerprint")]
    assert fingerprints == [
        f"SHA-256 of the PDF: {second.sha256}",
        f"SHA-256 of the web page: {second.html_sha256}",
    ]
    assert "1 KB" in rows[0].get_text()
    assert "draft" not in " ".join(a["href"] for a in page.select("#versions a"))


def test_participants_are_invited_to_the_review_while_it_is_open(client_request, world):
    db.session.add(Report(inquiry_id=world.inquiry.id, review_status=ReviewStatus.OPEN))
    db.session.commit()
    participant = client_request.login(world.people["participant"]).get(url(world.inquiry))
    assert participant.select_one("#review-invitation a")["href"] == url(world.inquiry, "/review")
    observer = client_request.login(world.people["observer"]).get(url(world.inquiry))
    assert observer.select_one("#review-invitation") is None


def test_the_researchers_see_builds_with_their_status(client_request, world):
    inquiry = world.inquiry
    done = stored_build(inquiry)
    page = client_request.login(world.people["researcher"]).get(url(inquiry))
    row = page.select_one(f"#build-{done.id}")
    assert "Ready" in row.get_text()
    assert [a["href"] for a in row.select("a")] == [
        url(inquiry, f"/drafts/{done.id}.pdf"),
        url(inquiry, f"/drafts/{done.id}.html"),
    ]
    assert page.select_one("#build-draft").get("disabled") is None
    assert page.select_one(f"form[action='{url(inquiry, '/builds')}']")


# Downloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_every_member_downloads_a_published_version_and_it_is_audited(client, world, person):
    inquiry = world.inquiry
    version = stored_build(inquiry, kind=BuildKind.PUBLISHED, version=1, pdf=b"%PDF-1.7 one")
    sign_in_as(client, world.people[person])
    pdf = client.get(url(inquiry, "/versions/1.pdf"))
    assert pdf.status_code == 200
    assert pdf.data == b"%PDF-1.7 one"
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        "attachment; filename=living-well-at-home-report-version-1.pdf"
    )
    assert pdf.headers["Cache-Control"] == "no-store"
    html = client.get(url(inquiry, "/versions/1.html"))
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    assert html.headers["Content-Disposition"].startswith("inline")
    assert "Content-Security-Policy" in html.headers
    events = downloads()
    assert [(e.details, e.actor_id, e.object_id) for e in events] == [
        ({"format": "pdf", "kind": "published", "version": 1}, world.people[person].id, version.id),
        (
            {"format": "html", "kind": "published", "version": 1},
            world.people[person].id,
            version.id,
        ),
    ]


def test_a_download_is_served_from_storage_without_building_or_heavy_queries(app, client, world):
    stored_build(world.inquiry, kind=BuildKind.PUBLISHED, version=1)
    sign_in_as(client, world.people["commissioner"])
    with counting_queries() as statements:
        response = client.get(url(world.inquiry, "/versions/1.pdf"))
    assert response.status_code == 200
    # Signing in, the inquiry and membership, the version, the audit event.
    assert len(statements) <= 8, statements
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportBuild)) == 1


def test_missing_and_other_inquiries_versions_are_not_found(client, world):
    stored_build(world.other_inquiry, kind=BuildKind.PUBLISHED, version=1)
    other_draft = stored_build(world.other_inquiry)
    sign_in_as(client, world.people["researcher"])
    assert client.get(url(world.inquiry, "/versions/1.pdf")).status_code == 404
    assert client.get(url(world.inquiry, "/versions/1.html")).status_code == 404
    assert client.get(url(world.inquiry, f"/drafts/{other_draft.id}.pdf")).status_code == 404
    # A version whose build is not finished is not a version.
    unfinished = ReportBuild(
        inquiry_id=world.inquiry.id,
        kind=BuildKind.PUBLISHED,
        status=BuildStatus.RUNNING,
        version=None,
    )
    db.session.add(unfinished)
    db.session.commit()
    assert client.get(url(world.inquiry, f"/drafts/{unfinished.id}.pdf")).status_code == 404
    assert downloads() == []


def test_a_version_whose_file_is_missing_is_not_found_and_not_audited(client, world):
    version = stored_build(world.inquiry, kind=BuildKind.PUBLISHED, version=1)
    storage.path_of(version.pdf_name).unlink()
    sign_in_as(client, world.people["observer"])
    assert client.get(url(world.inquiry, "/versions/1.pdf")).status_code == 404
    assert downloads() == []


def test_drafts_are_for_researchers_and_for_participants_during_review(client, world):
    inquiry = world.inquiry
    older = stored_build(inquiry)
    latest = stored_build(inquiry)
    report = Report(inquiry_id=inquiry.id, review_status=ReviewStatus.NOT_STARTED)
    db.session.add(report)
    db.session.commit()

    sign_in_as(client, world.people["researcher"])
    assert client.get(url(inquiry, f"/drafts/{older.id}.pdf")).status_code == 200
    sign_in_as(client, world.people["participant"])
    assert client.get(url(inquiry, f"/drafts/{latest.id}.pdf")).status_code == 404

    report.review_status = ReviewStatus.OPEN
    db.session.commit()
    response = client.get(url(inquiry, f"/drafts/{latest.id}.html"))
    assert response.status_code == 200
    # Participants read the latest draft only.
    assert client.get(url(inquiry, f"/drafts/{older.id}.pdf")).status_code == 404
    for person in ("witness", "commissioner", "observer"):
        sign_in_as(client, world.people[person])
        assert client.get(url(inquiry, f"/drafts/{latest.id}.pdf")).status_code == 403
    assert [e.details for e in downloads()] == [
        {"format": "pdf", "kind": "draft"},
        {"format": "html", "kind": "draft"},
    ]


# The narrative -------------------------------------------------------------------------------


def narrative_data(revision: int | str, **values: str) -> dict[str, str]:
    data = {name: "" for name in services.NARRATIVE_FIELDS}
    data.update(values)
    data["revision"] = str(revision)
    return data


def test_the_narrative_form_shows_the_standard_method_text(client_request, world):
    world.inquiry.mode = InquiryMode.INVERTED
    db.session.commit()
    page = client_request.login(world.people["researcher"]).get(url(world.inquiry, "/narrative"))
    assert page.h1.get_text(strip=True) == "The report\N{RIGHT SINGLE QUOTATION MARK}s narrative"
    standard = " ".join(page.select_one("#default-method").get_text().split())
    first_line = default_method(InquiryMode.INVERTED).split("\n")[0].strip()
    assert " ".join(first_line.split())[:40] in standard
    assert page.select_one("input[name=revision]")["value"] == "1"


def test_researchers_save_the_narrative_and_only_section_names_are_audited(client_request, world):
    inquiry = world.inquiry
    client_request.login(world.people["researcher"])
    location = client_request.post_redirect(
        url(inquiry, "/narrative"),
        narrative_data(1, foreword="Care at home matters.\r\n\r\nSo do carers.", next_steps="Soon"),
    )
    assert location == url(inquiry)
    report = services.report_of(db.session, inquiry)
    assert report.foreword == "Care at home matters.\n\nSo do carers."
    assert (report.next_steps, report.revision) == ("Soon", 2)
    assert report.updated_by_id == world.people["researcher"].id
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "report.narrative_changed")
    )
    assert event.details == {"sections": ["foreword", "next_steps"]}
    page = client_request.get(url(inquiry, "/narrative"))
    assert page.select_one("textarea[name=foreword]").get_text() == (
        "Care at home matters.\n\nSo do carers."
    )
    # Saving the same again changes nothing.
    client_request.post_redirect(
        url(inquiry, "/narrative"),
        narrative_data(2, foreword="Care at home matters.\n\nSo do carers.", next_steps="Soon"),
    )
    assert services.report_of(db.session, inquiry).revision == 2


def test_researchers_write_how_views_changed_with_a_hint(client_request, world):
    inquiry = world.inquiry
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "/narrative"))
    field = page.select_one("textarea[name=views_changed]")
    label = page.select_one("label[for=views_changed]").get_text(" ", strip=True)
    assert label == "How views changed (optional)"
    hint = page.select_one("#views_changed-hint").get_text(" ", strip=True)
    assert "never quoted" in hint and "Leave it empty to show only the numbers" in hint
    assert "views_changed-hint" in field["aria-describedby"]
    client_request.post_redirect(
        url(inquiry, "/narrative"),
        narrative_data(1, views_changed="Many began to ask about home first."),
    )
    report = services.report_of(db.session, inquiry)
    assert report.views_changed == "Many began to ask about home first."
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "report.narrative_changed")
    )
    assert event.details == {"sections": ["views_changed"]}
    overview = client_request.get(url(inquiry))
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True)
        for row in overview.select(".govuk-summary-list__row")
    }
    assert rows["How views changed"] == "Written"


def test_two_researchers_do_not_overwrite_each_other(client_request, world):
    inquiry = world.inquiry
    client_request.login(world.people["researcher"])
    client_request.post_redirect(url(inquiry, "/narrative"), narrative_data(1, foreword="Mine"))
    # A colleague's form was made from revision 1.
    response = client_request.client.post(
        url(inquiry, "/narrative"), data=narrative_data(1, foreword="Theirs")
    )
    assert response.status_code == 409
    page = check_page(response.get_data(as_text=True))
    assert error_messages(page) == [services.ChangedElsewhere(None).message]
    assert "Mine" in page.select_one("#saved-narrative").get_text()
    assert page.select_one("textarea[name=foreword]").get_text() == "Theirs"
    assert page.select_one("input[name=revision]")["value"] == "2"
    assert services.report_of(db.session, inquiry).foreword == "Mine"


def test_the_narrative_refuses_text_too_long(client_request, world):
    client_request.login(world.people["researcher"])
    page = client_request.post(
        url(world.inquiry, "/narrative"),
        narrative_data(
            1,
            acknowledgements="x" * (services.MAX_NARRATIVE_LENGTH + 1),
            foreword="Kept foreword",
            views_changed="Kept <views>",
        ),
    )
    assert error_messages(page) == ["Acknowledgements must be 20,000 characters or fewer"]
    assert page.title.get_text().startswith("Error: ")
    assert services.report_of(db.session, world.inquiry) is None
    # The error is next to its field, and everything typed is still there.
    field = page.select_one("textarea[name=acknowledgements]")
    assert field.get_text() == "x" * (services.MAX_NARRATIVE_LENGTH + 1)
    assert "govuk-textarea--error" in field["class"]
    assert page.select_one("#acknowledgements-error") is not None
    assert page.select_one("textarea[name=foreword]").get_text() == "Kept foreword"
    assert page.select_one("textarea[name=views_changed]").get_text() == "Kept <views>"


def test_contributed_text_is_escaped_on_the_pages(client_request, world):
    inquiry = world.inquiry
    client_request.login(world.people["researcher"])
    client_request.post_redirect(
        url(inquiry, "/narrative"), narrative_data(1, foreword="<script>alert(1)</script>")
    )
    response = client_request.client.post(
        url(inquiry, "/narrative"), data=narrative_data(1, foreword="other")
    )
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert "&lt;script&gt;" in response.get_data(as_text=True)


# Publishing -----------------------------------------------------------------------------------


def test_the_publish_page_says_what_happens_and_queues_a_version(client_request, world):
    inquiry = world.inquiry
    stored_build(inquiry, kind=BuildKind.PUBLISHED, version=1)
    client_request.login(world.people["researcher"])
    page = client_request.get(url(inquiry, "/publish"))
    assert page.h1.get_text(strip=True) == "Publish version 2 of the report"
    assert "version 1" in page.select_one("#latest-version").get_text()
    page = client_request.post(url(inquiry, "/publish"), {"label": "x" * 201})
    assert error_messages(page) == ["What this version is must be 200 characters or fewer"]
    location = client_request.post_redirect(url(inquiry, "/publish"), {"label": "Second  edition"})
    assert location == url(inquiry) + "#builds"
    build = db.session.scalars(db.select(ReportBuild).order_by(ReportBuild.id.desc())).first()
    assert (build.kind, build.status, build.label, build.version) == (
        BuildKind.PUBLISHED,
        BuildStatus.QUEUED,
        "Second edition",
        None,
    )


def test_a_build_is_shown_for_what_it_is_while_it_waits(client_request, world):
    inquiry = world.inquiry
    jobs.request_build(
        db.session,
        inquiry,
        kind=BuildKind.PUBLISHED,
        actor=world.people["researcher"],
        now=utcnow(),
    )
    db.session.commit()
    page = client_request.login(world.people["researcher"]).get(url(inquiry))
    row = page.select_one("#build-list tbody tr")
    assert "New version" in row.th.get_text()
    assert "Waiting to start" in row.get_text()
    assert page.select_one("#one-at-a-time")
    assert page.select_one("#build-draft").has_attr("disabled")
    assert page.select_one("#build-announcer")["aria-live"] == "polite"
    script = page.select_one("script[src$='report-status.js']")
    assert script is not None


def test_researchers_find_the_downloads_alongside_the_report(client_request, world):
    page = client_request.login(world.people["researcher"]).get(url(world.inquiry))
    links = {a.get_text(strip=True): a["href"] for a in page.select("#exports ~ ul a")}
    inquiry_id = world.inquiry.id
    assert links == {
        "Download the recommendations and their results (CSV)": (
            f"/inquiries/{inquiry_id}/report/exports/recommendations.csv"
        ),
        "Download the report\u2019s publishable content (JSON)": (
            f"/inquiries/{inquiry_id}/report/exports/report.json"
        ),
    }
    page = client_request.login(world.people["participant"]).get(url(world.inquiry))
    assert page.select_one("#exports") is None


def test_the_overview_offers_the_latest_published_version_to_every_member(client_request, world):
    page = client_request.login(world.people["witness"]).get(f"/inquiries/{world.inquiry.id}")
    assert page.select_one("#overview-report") is None
    for version in (1, 2):
        db.session.add(
            ReportBuild(
                inquiry_id=world.inquiry.id,
                kind=BuildKind.PUBLISHED,
                status=BuildStatus.DONE,
                version=version,
                published_at=utcnow(),
            )
        )
    db.session.commit()
    for person in PEOPLE:
        page = client_request.login(world.people[person]).get(f"/inquiries/{world.inquiry.id}")
        text = " ".join(page.select_one("#overview-report").get_text().split())
        assert text.startswith("Version 2 of the report was published on"), person
        link = page.select_one("#overview-report a")
        assert link["href"] == f"/inquiries/{world.inquiry.id}/report/versions/2.pdf"
