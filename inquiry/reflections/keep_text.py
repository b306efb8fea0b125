"""Never losing what someone wrote when their form cannot be accepted as it is.

Two things can stop a long piece of writing from being saved even though nothing is
wrong with it:

- the form's token has expired (the page was open for hours, or they signed in again
  in another tab): ``inquiry.pages.errors`` looks up the request's endpoint in
  ``KEEP_TEXT_ON_EXPIRY`` and shows the registered page instead of the generic
  "Your form has expired" page, which would lose the words;
- they have been signed out: views pass a function to ``requires`` as
  ``keep_text_when_signed_out``, and show the words again with a sign-in form.

Any feature may register its endpoints here. A registered function returns the
page to show, or None to fall back to the generic page (when nothing was typed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from flask import make_response, render_template
from werkzeug.wrappers import Response

from .forms import ResumeForm

KEEP_TEXT_ON_EXPIRY: dict[str, Callable[[], Response | None]] = {}

EXPIRED_MESSAGE = (
    "Your page had been open a long time, so your text was not saved yet. Check it and save again."
)
SIGNED_OUT_MESSAGE = (
    "You were signed out before your text was saved. It is below: sign in to keep it, "
    "or copy it somewhere safe first."
)


def keeps_text_on_expiry(*endpoints: str) -> Callable:
    """Register the decorated function for these endpoints' expired forms."""

    def decorator(function: Callable[[], Response | None]) -> Callable[[], Response | None]:
        for endpoint in endpoints:
            KEEP_TEXT_ON_EXPIRY[endpoint] = function
        return function

    return decorator


@dataclass
class KeptText:
    """What someone wrote and where it belongs: "reflection" (a prompt's reflection),
    "reply" (a new reply to a reflection) or "edit_reply" (a change to a reply)."""

    kind: str
    text: str
    round_id: str = ""
    prompt_id: str = ""
    reflection_id: str = ""
    reply_id: str = ""
    revision: str = ""
    lens: str = ""
    visibility: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @classmethod
    def from_resume_form(cls, form: ResumeForm) -> KeptText:
        def value(name: str) -> str:
            return str(getattr(form, name).data or "")

        return cls(
            kind=value("kind"),
            text=value("text"),
            round_id=value("round_id"),
            prompt_id=value("prompt_id"),
            reflection_id=value("reflection_id"),
            reply_id=value("reply_id"),
            revision=value("revision"),
            lens=value("lens"),
            visibility=value("visibility"),
        )

    def resume_form(self) -> ResumeForm:
        return ResumeForm(formdata=None, data=asdict(self))

    def number(self, name: str) -> int | None:
        value = getattr(self, name)
        return int(value) if value.isdigit() else None


WHAT = {"reflection": "reflection", "reply": "reply", "edit_reply": "reply"}


def signed_out_page(
    kept: KeptText, form: ResumeForm | None = None, *, status: int = 200
) -> Response:
    """Their words, read-only with a copy button, and a form to sign in and keep them.

    Shown to someone not signed in: nothing about the inquiry is on it.
    """
    if form is None:
        form = kept.resume_form()
    page = render_template(
        "reflections/signed_out.html",
        form=form,
        what=WHAT.get(kept.kind, "text"),
        page_title="You have been signed out",
    )
    return make_response(page, status)


def not_saved_page(
    text: str,
    reason: str,
    *,
    back_url: str | None = None,
    back_text: str = "Go back to the session",
    inquiry=None,
    status: int = 200,
) -> Response:
    """Their words, read-only with a copy button, when they cannot be saved."""
    page = render_template(
        "reflections/not_saved.html",
        text=text,
        reason=reason,
        back_url=back_url,
        back_text=back_text,
        inquiry=inquiry,
        page_title="Your text has not been saved",
    )
    return make_response(page, status)
