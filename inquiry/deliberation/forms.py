"""Forms for reading a session's reflections: the filters and tagging with themes."""

from __future__ import annotations

from ..excerpts.forms import GovCheckboxesField
from ..forms.base import BaseForm
from ..forms.fields import GovSubmitField, as_select_choices
from ..models import Lens, RoundPrompt, Theme
from .services import UNTAGGED, ReflectionFilters


class FilterForm(BaseForm):
    """Sent with GET: only shows the filters; ``ReflectionFilters`` reads the values."""

    class Meta:
        csrf = False

    prompt = GovCheckboxesField("Prompt", coerce=str, choices=[])
    lens = GovCheckboxesField("Lens", coerce=str, choices=[])
    theme = GovCheckboxesField("Theme", coerce=str, choices=[])
    submit = GovSubmitField("Apply filters")

    @classmethod
    def showing(
        cls, filters: ReflectionFilters, *, prompts: list[RoundPrompt], themes: list[Theme]
    ) -> FilterForm:
        form = cls(formdata=None)
        form.prompt.choices = as_select_choices(
            [
                (str(prompt.id), f"{number}. {prompt.text}")
                for number, prompt in enumerate(prompts, 1)
            ]
        )
        form.lens.choices = as_select_choices([(lens.value, lens.label) for lens in Lens])
        form.theme.choices = as_select_choices(
            [(str(theme.id), theme.name) for theme in themes] + [(UNTAGGED, "Not tagged yet")]
        )
        form.prompt.data = [str(i) for i in filters.prompt_ids]
        form.lens.data = [lens.value for lens in filters.lenses]
        form.theme.data = [str(i) for i in filters.theme_ids] + (
            [UNTAGGED] if filters.untagged else []
        )
        return form


class ReflectionThemesForm(BaseForm):
    themes = GovCheckboxesField(
        "Themes",
        coerce=int,
        choices=[],
        description="Select all that apply. Leave them all unticked to remove every theme.",
        invalid_choice_message="Select themes of this inquiry",
        invalid_value_message="Select themes of this inquiry",
    )
    submit = GovSubmitField("Save themes")

    def set_themes(self, themes: list[Theme]) -> None:
        self.themes.choices = as_select_choices([(theme.id, theme.name) for theme in themes])
