"""Template filters and globals: UK dates, times and the service name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from . import text

UK = ZoneInfo("Europe/London")


def uk_today(now: datetime) -> date:
    """The date in the UK at ``now``: deadlines and due dates are UK days."""
    return now.astimezone(UK).date()


def uk_date(value: date | datetime | None) -> str:
    """'3 June 2026', in UK time for timestamps."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(UK)
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    """'3 June 2026 at 2:05pm', in UK time."""
    if value is None:
        return ""
    local = value.astimezone(UK) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(UK)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{uk_date(local)} at {hour}:{local:%M}{suffix}"


def age_in_days(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    days = (now - value).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from . import policy
    from .forms.widgets import error_list
    from .models import utcnow

    app.jinja_env.globals["form_error_list"] = error_list
    app.jinja_env.globals["now"] = utcnow
    app.jinja_env.globals["policy_can_reset"] = lambda user, inquiry: policy.can_issue_reset_link(
        current_user, user, inquiry
    )
    app.jinja_env.globals["policy_can_manage"] = lambda inquiry: policy.can_manage(
        current_user, inquiry
    )
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["uk_datetime"] = uk_datetime
    app.jinja_env.filters["age_in_days"] = age_in_days
    app.jinja_env.filters["paragraphs"] = text.paragraphs
    app.jinja_env.filters["text_lines"] = text.lines

    @app.context_processor
    def _service() -> dict:
        return {"service_name": app.config["SERVICE_NAME"]}
