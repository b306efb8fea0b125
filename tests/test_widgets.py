"""The GOV.UK widgets render WTForms fields as the Design System expects."""

from __future__ import annotations

from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from inquiry.forms.base import BaseForm
from inquiry.forms.fields import GovStringField, GovSubmitField


class TwoButtons(BaseForm):
    name = GovStringField("Name")
    save = GovSubmitField("Save as draft")
    share = GovSubmitField("Share")


def test_each_submit_button_sends_a_value_so_the_pressed_one_is_known(app):
    with app.test_request_context():
        form = TwoButtons(meta={"csrf": False})
        html = BeautifulSoup(str(form.share()) + str(form.save()), "html.parser")
        buttons = {b["name"]: b.get("value") for b in html.find_all("button")}
        assert buttons == {"share": "y", "save": "y"}
        # What a browser sends when "Share" is pressed: only that button's name and value.
        pressed = TwoButtons(
            MultiDict({"name": "Wyn", "share": buttons["share"]}), meta={"csrf": False}
        )
        assert pressed.share.data is True
        assert pressed.save.data is False


def test_a_field_error_is_shown_next_to_the_field_and_keeps_the_value(app):
    with app.test_request_context():
        form = TwoButtons(MultiDict({"name": "Wyn\x00"}), meta={"csrf": False})
        assert not form.validate()
        html = BeautifulSoup(str(form.name()), "html.parser")
        assert (
            html.select_one(".govuk-error-message")
            .get_text(strip=True)
            .endswith("Name must not contain control characters")
        )
        assert html.find("input")["value"] == "Wyn\x00"
