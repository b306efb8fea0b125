"""Reading a CSV file of people to invite, and checking every row before anything is saved.

This module knows nothing about requests or the database: it turns bytes into rows
and problems. ``check_rows`` takes what is already in the inquiry (members and
pending invitations) as plain data.

Cells that begin like a spreadsheet formula (``=``, ``+``, ``-`` or ``@``, after
spaces are trimmed) are refused with a message rather than changed: the values end
up in exports that are opened in spreadsheets, and quietly altering a name or an
organisation would be worse than asking the researcher to correct the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from ..models.profile import CATEGORY_FIELDS, PARTICIPANT_FIELDS, WITNESS_FIELDS

MAX_BYTES = 1_000_000
MAX_ROWS = 500
UTF8_MESSAGE = "The file must be saved as UTF-8 (CSV UTF-8)"
NOT_CSV_MESSAGE = "The selected file must be a CSV file"
SPREADSHEET_MESSAGE = (
    "The selected file is a spreadsheet, not a CSV file: in your spreadsheet, "
    'choose "Save as" and then "CSV UTF-8"'
)
EMPTY_MESSAGE = "The selected file is empty"
NO_ROWS_MESSAGE = "The file has column headings but no people to invite"
TOO_LARGE_MESSAGE = f"The file must be smaller than {MAX_BYTES // 1_000_000} MB"
TOO_MANY_ROWS_MESSAGE = (
    f"The file must have {MAX_ROWS} people or fewer: split it into smaller files"
)

# Roles a CSV may invite. Researchers have every power over the inquiry, so they
# are invited one at a time.
ROLES: dict[str, str] = {
    "participant": "Participant",
    "witness": "Witness",
    "commissioner": "Commissioner",
    "observer": "Observer",
}

COLUMN_LABELS: dict[str, str] = {
    "email": "Email address",
    "role": "Role",
    "name": "Name",
    "professional_role": "Professional role",
    "professional_role_other": "Other professional role",
    "sector": "Sector",
    "organisation": "Organisation",
    "locality": "Locality",
    "lived_experience": "Lived experience",
    "lived_experience_other": "Other lived experience",
    "display_name": "Display name",
}
REQUIRED_COLUMNS = ("email", "role")
COLUMNS = tuple(COLUMN_LABELS)
NAME_LENGTH = 200
# Which profile columns belong to which role.
ROLE_COLUMNS: dict[str, dict[str, int]] = {
    "participant": PARTICIPANT_FIELDS,
    "witness": WITNESS_FIELDS,
}
PROFILE_COLUMNS = {**PARTICIPANT_FIELDS, **WITNESS_FIELDS}
OTHER_DESCRIPTIONS = {
    "professional_role": "professional_role_other",
    "lived_experience": "lived_experience_other",
}

EXAMPLE_ROWS: list[dict[str, str]] = [
    {
        "email": "alex.example@example.org",
        "role": "participant",
        "name": "Alex Example",
        "professional_role": "care_worker",
        "sector": "independent_care",
        "organisation": "Example Home Care Ltd",
        "locality": "Northtown",
    },
    {
        "email": "sam.sample@example.org",
        "role": "witness",
        "name": "Sam Sample",
        "lived_experience": "family_or_friend",
        "display_name": "Sam",
    },
]

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\x7f"}
_SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass
class Row:
    """One person in the file: the cells as written, what they mean, and what is wrong."""

    number: int  # the row number a spreadsheet shows; the headings are row 1
    cells: dict[str, str]
    email: str = ""
    role: str = ""
    name: str = ""
    profile: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def to_data(self) -> dict[str, object]:
        return {
            "number": self.number,
            "email": self.email,
            "role": self.role,
            "name": self.name,
            "profile": self.profile,
        }


@dataclass
class ParsedFile:
    """The result of reading a file: a problem with the whole file, or rows to check."""

    problem: str | None = None
    header_problems: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return (
            self.problem is None
            and not self.header_problems
            and bool(self.rows)
            and all(row.is_valid for row in self.rows)
        )

    @property
    def invalid_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.is_valid]


def template_csv() -> str:
    """The downloadable template: every column, with fictional example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for example in EXAMPLE_ROWS:
        writer.writerow({column: example.get(column, "") for column in COLUMNS})
    return out.getvalue()


def _decode(data: bytes) -> tuple[str | None, str | None]:
    if not data.strip():
        return None, EMPTY_MESSAGE
    if data.startswith(_SPREADSHEET_SIGNATURES):
        return None, SPREADSHEET_MESSAGE
    if b"\x00" in data:
        return None, NOT_CSV_MESSAGE
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, UTF8_MESSAGE
    if not text.strip():
        return None, EMPTY_MESSAGE
    if any(ch in _CONTROL for ch in text):
        return None, NOT_CSV_MESSAGE
    return text, None


def _column_name(heading: str) -> str:
    return "_".join(heading.strip().lower().replace("-", " ").split())


def _delimiter(first_line: str) -> str:
    """A comma, or a semicolon where a spreadsheet in another language saved with one."""
    if "," not in first_line and ";" in first_line:
        return ";"
    return ","


def parse(data: bytes) -> ParsedFile:
    """Read the bytes of an uploaded file into rows, each with its own problems."""
    if len(data) > MAX_BYTES:
        return ParsedFile(problem=TOO_LARGE_MESSAGE)
    text, problem = _decode(data)
    if problem is not None or text is None:
        return ParsedFile(problem=problem)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        records = [record for record in reader]
    except csv.Error:
        return ParsedFile(problem=NOT_CSV_MESSAGE)
    headings = records[0] if records else []
    columns = [_column_name(heading) for heading in headings]
    result = ParsedFile(columns=columns)
    body = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    result.header_problems = _header_problems(headings, columns, [r for _, r in body])
    if not body:
        if not result.header_problems:
            result.problem = NO_ROWS_MESSAGE
        return result
    if len(body) > MAX_ROWS:
        return ParsedFile(problem=TOO_MANY_ROWS_MESSAGE)
    for number, record in body:
        result.rows.append(_read_row(number, columns, record))
    return result


def _header_problems(
    headings: list[str], columns: list[str], records: list[list[str]]
) -> list[str]:
    problems: list[str] = []
    if len(columns) == 1 and "email" not in columns and "\t" in headings[0]:
        return [
            'The columns must be separated by commas: save the file as "CSV UTF-8", '
            "not as text separated by tabs"
        ]
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            problems.append(f'The file must have a column headed "{column}"')
    seen: set[str] = set()
    for index, (heading, column) in enumerate(zip(headings, columns, strict=True)):
        if not column:
            # Spreadsheets often save empty columns at the end: only a column with
            # something in it needs a heading.
            if any(index < len(record) and record[index].strip() for record in records):
                problems.append("Every column with something in it must have a heading")
        elif column not in COLUMN_LABELS:
            problems.append(
                f'The column "{heading.strip()}" is not one this service knows: '
                "use the headings in the template"
            )
        elif column in seen:
            problems.append(f'The column "{column}" appears more than once')
        seen.add(column)
    # Report each problem once, in the order found.
    return list(dict.fromkeys(problems))


def _match_category(value: str, categories: dict[str, str]) -> str | None:
    wanted = " ".join(value.lower().split())
    for key, label in categories.items():
        if wanted in (key, key.replace("_", " "), label.lower()):
            return key
    return None


def _read_row(number: int, columns: list[str], record: list[str]) -> Row:
    cells: dict[str, str] = {}
    for index, column in enumerate(columns):
        if column in COLUMN_LABELS and column not in cells:
            cells[column] = record[index].strip() if index < len(record) else ""
    row = Row(number=number, cells=cells)
    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
        row.problems.append("This row has more cells than the file has column headings")

    formulas = [column for column, value in cells.items() if value.startswith(_FORMULA_STARTS)]
    for column in formulas:
        row.problems.append(
            f'{COLUMN_LABELS[column]} starts with "{cells[column][0]}", which spreadsheets '
            "treat as a formula: remove it or start with a letter or number"
        )
    if formulas:
        return row

    # A missing column is a problem with the headings, reported once, not on every row.
    if "email" in cells:
        _read_email(row, cells["email"])
    if "role" in cells:
        _read_role(row, cells["role"])
    name = cells.get("name", "")
    if len(name) > NAME_LENGTH:
        row.problems.append(f"Name must be {NAME_LENGTH} characters or fewer")
    row.name = name
    _read_profile(row, cells)
    return row


def _read_email(row: Row, value: str) -> None:
    if not value:
        row.problems.append("Enter an email address")
        return
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        row.problems.append("Email address must be in the correct format, like name@example.com")
        return
    if len(value) > 254:
        row.problems.append("Email address must be 254 characters or fewer")
        return
    row.email = value.strip().lower()


def _read_role(row: Row, value: str) -> None:
    if not value:
        row.problems.append("Enter a role: participant, witness, commissioner or observer")
        return
    role = _match_category(value, ROLES)
    if role is None:
        if value.strip().lower() == "researcher":
            row.problems.append(
                "Researchers cannot be invited from a file: invite them one at a time"
            )
        else:
            row.problems.append(
                f'"{value}" is not a role: use participant, witness, commissioner or observer'
            )
        return
    row.role = role


def _read_profile(row: Row, cells: dict[str, str]) -> None:
    allowed = ROLE_COLUMNS.get(row.role, {})
    for column, length in PROFILE_COLUMNS.items():
        value = cells.get(column, "")
        if not value:
            continue
        label = COLUMN_LABELS[column]
        if row.role and column not in allowed:
            role_label = ROLES[row.role].lower()
            row.problems.append(f"{label} is not recorded for a {role_label}: leave it empty")
            continue
        if column in CATEGORY_FIELDS:
            key = _match_category(value, CATEGORY_FIELDS[column])
            if key is None:
                row.problems.append(
                    f'"{value}" is not a {label.lower()} this service knows: '
                    "use one from the template's guidance"
                )
                continue
            value = key
        elif len(value) > length:
            row.problems.append(f"{label} must be {length} characters or fewer")
            continue
        row.profile[column] = value
    for column, description in OTHER_DESCRIPTIONS.items():
        if row.profile.get(column) == "other" and not row.profile.get(description):
            row.problems.append(
                f'{COLUMN_LABELS[description]} must describe the "Other" '
                f"{COLUMN_LABELS[column].lower()}"
            )
        if row.profile.get(description) and row.profile.get(column) != "other":
            row.problems.append(
                f"Leave {COLUMN_LABELS[description].lower()} empty unless "
                f'{COLUMN_LABELS[column].lower()} is "other"'
            )


def check_rows(parsed: ParsedFile, *, members: dict[str, str], pending: set[str]) -> None:
    """Add problems for people already in the inquiry and for repeats within the file.

    ``members`` maps the email address of each current (not withdrawn) member to
    their role's label; ``pending`` holds addresses with a pending invitation.
    """
    first_row: dict[str, int] = {}
    for row in parsed.rows:
        if not row.email:
            continue
        if row.email in first_row:
            row.problems.append(f"This email address is also on row {first_row[row.email]}")
            continue
        first_row[row.email] = row.number
        if row.email in members:
            row.problems.append(
                f"This person is already a member of the inquiry as {members[row.email].lower()}"
            )
        elif row.email in pending:
            row.problems.append("This email address already has a pending invitation")
