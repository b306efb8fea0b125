"""A date field for the GOV.UK date input: day, month and year in three boxes.

``GovDateField("Start date")`` reads ``start_date-day``, ``start_date-month`` and
``start_date-year`` from the request, keeps exactly what was typed (so a page shown
again with errors shows it back), and gives the Design System's messages:

- nothing entered, when the date is required: the field's ``required_message``
- some parts missing: "Start date must include a month"
- a year that is not four digits: "Year must include 4 numbers"
- anything else that is not a date: "Start date must be a real date"

Only the boxes that are wrong are highlighted, and the error summary links to the
first of them. An empty optional date is ``None`` and its other validators do not run.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from ..text import and_list
from .widgets import GovWidget

PARTS = ("day", "month", "year")
_WIDTHS = {
    "day": "govuk-input--width-2",
    "month": "govuk-input--width-2",
    "year": "govuk-input--width-4",
}

# Month names and their usual abbreviations are accepted as well as numbers.
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9


class GovDateInput(GovWidget):
    """Renders a ``GovDateField`` with the ``govukDateInput`` macro in a fieldset."""

    component = "date-input"
    macro = "govukDateInput"

    def field_params(self, field: Field) -> dict[str, Any]:
        wrong = set(field.error_parts) if field.errors else set()
        params: dict[str, Any] = {
            "id": field.base_id,
            "namePrefix": field.name,
            "fieldset": {
                "legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}
            },
            "items": [
                {
                    "name": part,
                    "id": f"{field.base_id}-{part}",
                    "label": part.capitalize(),
                    "classes": _WIDTHS[part] + (" govuk-input--error" if part in wrong else ""),
                    "value": field.parts[part],
                }
                for part in PARTS
            ],
        }
        hint = field.description or "For example, 27 3 2026"
        params["hint"] = {"text": hint}
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0]}
        return params


class GovDateField(Field):
    """A date typed as day, month and year. ``data`` is a ``date`` or ``None``.

    ``required_message`` makes the date required (for example "Enter the start
    date"); without it an empty date is allowed. ``subject`` is how messages name
    the date, the label by default. Dates outside ``min_year``..``max_year`` are
    refused, so a slip of the keyboard (year 20026) is caught.
    """

    widget = GovDateInput()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        required_message: str | None = None,
        subject: str | None = None,
        min_year: int = 2000,
        max_year: int = 2100,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.subject = subject or self.label.text
        self.min_year = min_year
        self.max_year = max_year
        # The wrapper takes the field's id; the error summary links to a box in it.
        self.base_id = self.id
        self.id = f"{self.base_id}-day"
        self.parts: dict[str, str] = dict.fromkeys(PARTS, "")
        self.error_parts: tuple[str, ...] = PARTS
        self._problem: tuple[str, tuple[str, ...]] | None = None

    # Reading -----------------------------------------------------------------

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        if data is unset_value:
            try:
                data = self.default()
            except TypeError:
                data = self.default
        self.object_data = data
        self.process_data(data)
        if formdata is not None:
            self.parts = {
                part: str(formdata.get(f"{self.name}-{part}", "") or "").strip() for part in PARTS
            }
            self.raw_data = [self.parts[part] for part in PARTS]
            self.data, self._problem = self._parse()

    def process_data(self, value: Any) -> None:
        self.data = value if isinstance(value, date) else None
        self._problem = None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        else:
            self.parts = dict.fromkeys(PARTS, "")

    def _parse(self) -> tuple[date | None, tuple[str, tuple[str, ...]] | None]:
        parts = self.parts
        if not any(parts.values()):
            if self.required_message:
                return None, (self.required_message, PARTS)
            return None, None
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            return None, (f"{self.subject} must include a {and_list(missing)}", tuple(missing))
        numbers: dict[str, int] = {}
        not_numbers: list[str] = []
        for part in PARTS:
            text = parts[part]
            # Long digit strings are not dates, and int() refuses very long ones.
            if text.isascii() and text.isdigit() and len(text) <= 8:
                numbers[part] = int(text)
            elif part == "month" and text.lower().rstrip(".") in _MONTHS:
                numbers[part] = _MONTHS[text.lower().rstrip(".")]
            else:
                not_numbers.append(part)
        if not_numbers:
            return None, (f"{self.subject} must be a real date", tuple(not_numbers))
        if len(parts["year"]) != 4:
            return None, ("Year must include 4 numbers", ("year",))
        if not 1 <= numbers["month"] <= 12:
            return None, (f"{self.subject} must be a real date", ("month",))
        year, month, day = numbers["year"], numbers["month"], numbers["day"]
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None, (f"{self.subject} must be a real date", ("day",))
        if not self.min_year <= year <= self.max_year:
            return None, (
                f"{self.subject} must be between {self.min_year} and {self.max_year}",
                ("year",),
            )
        return date(year, month, day), None

    # Checking ----------------------------------------------------------------

    def pre_validate(self, form: Any) -> None:
        self.error_parts = PARTS
        self.id = f"{self.base_id}-day"
        if self._problem is not None:
            message, parts = self._problem
            self.error_parts = parts
            self.id = f"{self.base_id}-{parts[0]}"
            raise StopValidation(message)
        if self.data is None:
            # An empty optional date: nothing more to check.
            raise StopValidation()

    def _value(self) -> str:
        return " ".join(self.parts[part] for part in PARTS).strip()
