"""Inviting people from a CSV file: reading the file, the preview and the confirmation."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user, sign_in_as
from sqlalchemy import select

from inquiry.cohort import csv_import, services
from inquiry.extensions import db
from inquiry.invitations import services as invitation_services
from inquiry.models import (
    AuditEvent,
    Invitation,
    InvitationStatus,
    Membership,
    MembershipStatus,
    Role,
    utcnow,
)

HEADER = "email,role,name,professional_role,sector,organisation,locality\n"


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def parse(text: str) -> csv_import.ParsedFile:
    return csv_import.parse(text.encode("utf-8"))


def problems_by_row(parsed: csv_import.ParsedFile) -> dict[int, list[str]]:
    return {row.number: row.problems for row in parsed.rows if row.problems}


# Reading the file ---------------------------------------------------------------


def test_a_good_file_gives_clean_rows_with_categories_from_values_or_labels():
    parsed = parse(
        HEADER
        + "Asha.Patel@Example.org,Participant,Asha Patel,care_worker,NHS,Northtown Care,Northtown\n"
        + "ben@example.org,participant,,  social WORKER ,local authority,,Southside\n"
    )
    assert parsed.is_valid, problems_by_row(parsed)
    first, second = parsed.rows
    assert (first.number, first.email, first.role, first.name) == (
        2,
        "asha.patel@example.org",
        "participant",
        "Asha Patel",
    )
    assert first.profile == {
        "professional_role": "care_worker",
        "sector": "nhs",
        "organisation": "Northtown Care",
        "locality": "Northtown",
    }
    assert second.profile["professional_role"] == "social_worker"
    assert second.profile["sector"] == "local_authority"


def test_witness_columns_and_other_descriptions():
    parsed = parse(
        "email,role,lived_experience,lived_experience_other,display_name\n"
        "w1@example.org,witness,Receives care at home,,Rose\n"
        "w2@example.org,witness,other,Neighbour who helps daily,\n"
        "w3@example.org,witness,other,,\n"
        "w4@example.org,witness,receives_care,Something,\n"
    )
    problems = problems_by_row(parsed)
    assert parsed.rows[0].profile == {"lived_experience": "receives_care", "display_name": "Rose"}
    assert parsed.rows[1].profile == {
        "lived_experience": "other",
        "lived_experience_other": "Neighbour who helps daily",
    }
    assert problems[4] == ['Other lived experience must describe the "Other" lived experience']
    assert problems[5] == ['Leave other lived experience empty unless lived experience is "other"']
    assert not parsed.is_valid


def test_a_byte_order_mark_and_semicolons_are_accepted():
    data = "\ufeffemail;role\r\nkim@example.org;observer\r\n".encode()
    parsed = csv_import.parse(data)
    assert parsed.is_valid
    assert parsed.rows[0].email == "kim@example.org"
    assert parsed.rows[0].role == "observer"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", csv_import.EMPTY_MESSAGE),
        (b"  \r\n \n", csv_import.EMPTY_MESSAGE),
        ("email,role\nzoë@example.org,participant\n".encode("latin-1"), csv_import.UTF8_MESSAGE),
        (b"PK\x03\x04\x14\x00\x06\x00binary spreadsheet", csv_import.SPREADSHEET_MESSAGE),
        (b"email,role\x00\x01\x02", csv_import.NOT_CSV_MESSAGE),
        (b"email,role\n", csv_import.NO_ROWS_MESSAGE),
        (b"email,role\n" + b"x" * csv_import.MAX_BYTES, csv_import.TOO_LARGE_MESSAGE),
    ],
    ids=["empty", "blank", "latin-1", "xlsx", "binary", "headings-only", "too-large"],
)
def test_bad_files_are_refused_whole(data, message):
    parsed = csv_import.parse(data)
    assert parsed.problem == message
    assert not parsed.is_valid


def test_too_many_rows_is_refused_whole():
    rows = "".join(f"p{i}@example.org,participant\n" for i in range(csv_import.MAX_ROWS + 1))
    parsed = parse("email,role\n" + rows)
    assert parsed.problem == csv_import.TOO_MANY_ROWS_MESSAGE
    assert parse("email,role\n" + rows.split("\n", 1)[1]).problem is None


def test_header_problems_are_reported_once_not_on_every_row():
    parsed = parse("e-mail,Role,favourite colour,role\na@example.org,participant,blue,\n" * 1)
    assert parsed.header_problems == [
        'The file must have a column headed "email"',
        'The column "e-mail" is not one this service knows: use the headings in the template',
        'The column "favourite colour" is not one this service knows: '
        "use the headings in the template",
        'The column "role" appears more than once',
    ]
    assert problems_by_row(parsed) == {}
    assert not parsed.is_valid


def test_empty_trailing_columns_are_ignored_but_unheaded_data_is_not():
    assert parse("email,role,,\na@example.org,witness,,\n").is_valid
    parsed = parse("email,role,\na@example.org,witness,surprise\n")
    assert parsed.header_problems == ["Every column with something in it must have a heading"]


def test_row_problems():
    parsed = parse(
        HEADER
        + "not-an-email,participant,,,,,\n"
        + ",participant,,,,,\n"
        + "c@example.org,,,,,,\n"
        + "d@example.org,chief,,,,,\n"
        + "e@example.org,researcher,,,,,\n"
        + "f@example.org,participant,,astronaut,,,\n"
        + "g@example.org,witness,,nurse,,,\n"
        + "h@example.org,participant,,other,,,\n"
        + "i@example.org,participant,,,,,"
        + "x" * 101
        + "\n"
        + "j@example.org,participant,,,,,,extra\n"
    )
    problems = problems_by_row(parsed)
    assert problems == {
        2: ["Email address must be in the correct format, like name@example.com"],
        3: ["Enter an email address"],
        4: ["Enter a role: participant, witness, commissioner or observer"],
        5: ['"chief" is not a role: use participant, witness, commissioner or observer'],
        6: ["Researchers cannot be invited from a file: invite them one at a time"],
        7: [
            '"astronaut" is not a professional role this service knows: '
            "use one from the template's guidance"
        ],
        8: ["Professional role is not recorded for a witness: leave it empty"],
        9: ['Other professional role must describe the "Other" professional role'],
        10: ["Locality must be 100 characters or fewer"],
        11: ["This row has more cells than the file has column headings"],
    }


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://example.com","Click")', "+1", "-2", "@SUM"])
def test_cells_that_look_like_formulas_are_refused(cell):
    quoted = '"' + cell.replace('"', '""') + '"'
    parsed = parse(f"email,role,name\nx@example.org,participant,{quoted}\n")
    assert parsed.rows[0].problems == [
        f'Name starts with "{cell[0]}", which spreadsheets treat as a formula: '
        "remove it or start with a letter or number"
    ]
    assert parsed.rows[0].cells["name"] == cell  # kept as written, to show as text


def test_duplicates_within_the_file_and_with_the_inquiry():
    parsed = parse(
        "email,role\n"
        "a@example.org,participant\n"
        "A@example.org,witness\n"
        "member@example.org,participant\n"
        "pending@example.org,participant\n"
        "gone@example.org,participant\n"
    )
    csv_import.check_rows(
        parsed, members={"member@example.org": "Witness"}, pending={"pending@example.org"}
    )
    assert problems_by_row(parsed) == {
        3: ["This email address is also on row 2"],
        4: ["This person is already a member of the inquiry as witness"],
        5: ["This email address already has a pending invitation"],
    }


def test_the_template_reads_back_as_a_valid_file():
    parsed = csv_import.parse(("\ufeff" + csv_import.template_csv()).encode())
    assert parsed.is_valid, problems_by_row(parsed)
    assert [row.role for row in parsed.rows] == ["participant", "witness"]
    assert parsed.columns == list(csv_import.COLUMNS)


# Through the pages --------------------------------------------------------------


@pytest.fixture
def setup(app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    return researcher, inquiry


def upload(client_request, inquiry, data: bytes, filename="people.csv", expected_status=200):
    return client_request.post(
        f"/inquiries/{inquiry.id}/cohort/import",
        {"file": (io.BytesIO(data), filename)},
        expected_status=expected_status,
        content_type="multipart/form-data",
    )


def confirm_token(page) -> str:
    return page.select_one("input[name=rows]")["value"]


def all_invitations() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.id)))


GOOD_FILE = (
    b"email,role,name,professional_role,sector,locality,lived_experience,display_name\n"
    b"asha@example.org,participant,Asha Patel,nurse,nhs,Northtown,,\n"
    b"rose@example.org,witness,Rose Smith,,,,family_or_friend,Rosie\n"
)


def test_upload_preview_and_confirm_sends_invitations_with_profiles(app, client_request, setup):
    researcher, inquiry = setup
    client_request.login(researcher)
    page = upload(client_request, inquiry, GOOD_FILE)
    assert text_of(page.h1) == "Check the invitations before you send them"
    assert all_invitations() == []  # nothing until confirmed
    rows = page.select("tbody tr")
    assert [text_of(r.select("td")[1]) for r in rows] == ["asha@example.org", "rose@example.org"]
    assert "Ready" in text_of(rows[0])
    button = page.find("button", string=re.compile("Send 2 invitations"))
    assert button is not None

    location = client_request.post_redirect(
        f"/inquiries/{inquiry.id}/cohort/import/confirm", {"rows": confirm_token(page)}
    )
    assert location.endswith(f"/inquiries/{inquiry.id}/cohort")
    asha, rose = all_invitations()
    assert (asha.email, asha.role, asha.invited_by_id) == (
        "asha@example.org",
        Role.PARTICIPANT,
        researcher.id,
    )
    assert asha.profile == {
        "professional_role": "nurse",
        "sector": "nhs",
        "locality": "Northtown",
        "name": "Asha Patel",
    }
    assert rose.profile == {
        "lived_experience": "family_or_friend",
        "display_name": "Rosie",
        "name": "Rose Smith",
    }
    assert all(invitation.sent_at is not None for invitation in (asha, rose))
    outbox = app.extensions["mail_outbox"]
    assert sorted(message["To"] for message in outbox) == ["asha@example.org", "rose@example.org"]
    imported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort.imported")
    ).one()
    assert imported.details == {"count": 2}
    assert imported.inquiry_id == inquiry.id

    # The success message is shown on the cohort page.
    page = client_request.get(f"/inquiries/{inquiry.id}/cohort")
    assert "2 invitations sent" in text_of(page.select_one(".govuk-notification-banner"))


def test_an_accepted_imported_invitation_gives_the_member_their_profile(setup):
    researcher, inquiry = setup
    now = utcnow()
    parsed = csv_import.parse(GOOD_FILE)
    invitations = services.import_invitations(
        db.session,
        inquiry,
        parsed.rows,
        invited_by=researcher,
        now=now,
        lifetime=timedelta(days=14),
    )
    db.session.commit()
    asha = make_user("asha@example.org")
    rose = make_user("rose@example.org")
    nurse = invitation_services.accept(db.session, invitations[0], user=asha, now=now)
    witness = invitation_services.accept(db.session, invitations[1], user=rose, now=now)
    db.session.commit()
    assert (nurse.professional_role, nurse.sector, nurse.locality) == ("nurse", "nhs", "Northtown")
    assert nurse.lived_experience == ""
    assert (witness.lived_experience, witness.display_name) == ("family_or_friend", "Rosie")
    assert witness.public_name == "Rosie"


def test_an_invalid_file_imports_nothing_and_shows_every_problem_escaped(client_request, setup):
    researcher, inquiry = setup
    member = make_user("already@example.org")
    add_member(inquiry, member, Role.PARTICIPANT)
    client_request.login(researcher)
    data = (
        b"email,role,name\n"
        b"ok@example.org,participant,Fine Person\n"
        b'bad@example.org,participant,"=HYPERLINK(""http://example.com"",""<b>x</b>"")"\n'
        b"already@example.org,participant,\n"
        b"ok@example.org,witness,\n"
    )
    page = upload(client_request, inquiry, data)
    assert text_of(page.h1) == "There are problems with the file"
    assert page.title.get_text().strip().startswith("Error: ")
    assert error_messages(page) == [
        'Row 3: Name starts with "=", which spreadsheets treat as a formula: '
        "remove it or start with a letter or number",
        "Row 4: This person is already a member of the inquiry as participant",
        "Row 5: This email address is also on row 2",
    ]
    assert page.select_one("input[name=rows]") is None
    assert page.find("button", string=re.compile("Send")) is None
    # The formula is shown as text, escaped, never as markup.
    row = page.find(id="row-3")
    assert '=HYPERLINK("http://example.com","<b>x</b>")' in text_of(row)
    assert row.find("b") is None
    assert all_invitations() == []
    # The upload form is offered again.
    assert page.select_one("input[type=file][name=file]") is not None


def test_header_problems_on_the_page(client_request, setup):
    researcher, inquiry = setup
    client_request.login(researcher)
    page = upload(client_request, inquiry, b"mail,role\na@example.org,witness\n")
    assert error_messages(page) == [
        'Column headings: The file must have a column headed "email"',
        'Column headings: The column "mail" is not one this service knows: '
        "use the headings in the template",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "people.csv", csv_import.EMPTY_MESSAGE),
        ("email,role\nzoë@example.org,witness\n".encode("cp1252"), "people.csv", None),
        (b"email,role\na@example.org,witness\n", "people.pdf", csv_import.NOT_CSV_MESSAGE),
    ],
    ids=["empty", "latin-1", "wrong-extension"],
)
def test_bad_files_on_the_page(client_request, setup, data, filename, message):
    researcher, inquiry = setup
    client_request.login(researcher)
    page = upload(client_request, inquiry, data, filename=filename)
    expected = message or "The file must be saved as UTF-8 (CSV UTF-8)"
    assert error_messages(page) == [expected]
    assert text_of(page.h1) == "Invite people from a CSV file"


def test_no_file_selected(client_request, setup):
    researcher, inquiry = setup
    client_request.login(researcher)
    page = client_request.post(f"/inquiries/{inquiry.id}/cohort/import", {})
    assert error_messages(page) == ["Select a CSV file"]


def test_a_request_larger_than_the_limit_is_refused_before_reading(client_request, setup):
    researcher, inquiry = setup
    client_request.login(researcher)
    data = b"email,role\n" + b"a" * (csv_import.MAX_BYTES + 100_000)
    page = upload(client_request, inquiry, data)
    assert error_messages(page) == [csv_import.TOO_LARGE_MESSAGE]


def test_the_template_download(client, setup):
    researcher, inquiry = setup
    sign_in_as(client, researcher)
    response = client.get(f"/inquiries/{inquiry.id}/cohort/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").splitlines()[0] == ",".join(csv_import.COLUMNS)
    assert "example.org" in body.decode()


def test_a_forged_or_foreign_token_sends_nothing(client_request, setup):
    researcher, inquiry = setup
    other = make_inquiry(researcher, title="Another inquiry")
    client_request.login(researcher)
    page = upload(client_request, inquiry, GOOD_FILE)
    token = confirm_token(page)
    # A token for one inquiry does not work for another.
    location = client_request.post_redirect(
        f"/inquiries/{other.id}/cohort/import/confirm", {"rows": token}
    )
    assert location.endswith(f"/inquiries/{other.id}/cohort/import")
    # A changed token is refused.
    client_request.post_redirect(
        f"/inquiries/{inquiry.id}/cohort/import/confirm", {"rows": token[:-2] + "xx"}
    )
    assert all_invitations() == []
    page = client_request.get(f"/inquiries/{other.id}/cohort/import")
    assert "Nothing was sent" in text_of(page.select_one(".govuk-error-summary"))


def test_a_token_from_another_researcher_is_refused(setup):
    researcher, inquiry = setup
    colleague = make_user("colin.colleague@example.org", researcher=True)
    rows = csv_import.parse(GOOD_FILE).rows
    token = services.sign_rows("test-secret-key", inquiry, researcher, rows)
    assert services.read_rows("test-secret-key", inquiry, colleague, token) is None
    assert [r.email for r in services.read_rows("test-secret-key", inquiry, researcher, token)] == [
        "asha@example.org",
        "rose@example.org",
    ]
    assert services.read_rows("another-secret", inquiry, researcher, token) is None


def test_confirmation_checks_again_for_people_invited_since_the_preview(client_request, setup):
    researcher, inquiry = setup
    client_request.login(researcher)
    page = upload(client_request, inquiry, GOOD_FILE)
    invitation_services.create_invitation(
        db.session,
        inquiry=inquiry,
        email="rose@example.org",
        role=Role.WITNESS,
        invited_by=researcher,
        now=utcnow(),
        lifetime=timedelta(days=14),
    )
    db.session.commit()
    page = client_request.post(
        f"/inquiries/{inquiry.id}/cohort/import/confirm", {"rows": confirm_token(page)}
    )
    assert error_messages(page) == ["Row 3: This email address already has a pending invitation"]
    assert [i.email for i in all_invitations()] == ["rose@example.org"]


def test_a_withdrawn_member_can_be_invited_again_from_a_file(client_request, setup):
    researcher, inquiry = setup
    former = make_user("asha@example.org")
    membership = add_member(inquiry, former, Role.PARTICIPANT)
    membership.status = MembershipStatus.WITHDRAWN
    db.session.commit()
    client_request.login(researcher)
    page = upload(client_request, inquiry, GOOD_FILE)
    client_request.post_redirect(
        f"/inquiries/{inquiry.id}/cohort/import/confirm", {"rows": confirm_token(page)}
    )
    invitation = all_invitations()[0]
    assert invitation.status == InvitationStatus.PENDING
    invitation_services.accept(db.session, invitation, user=former, now=utcnow())
    db.session.commit()
    back = db.session.get(Membership, membership.id)
    assert back.status == MembershipStatus.ACTIVE
    assert back.withdrawn_at is None
    assert back.professional_role == "nurse"


def test_only_researchers_can_import(client_request, setup):
    _researcher, inquiry = setup
    participant = make_user("pat@example.org")
    add_member(inquiry, participant, Role.PARTICIPANT)
    client_request.login(participant)
    upload(client_request, inquiry, GOOD_FILE, expected_status=403)
    assert all_invitations() == []
