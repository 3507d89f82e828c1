"""The preferences form: one choice per event type (in-app / email / digest / off)."""
from django import forms

from .registry import CHOICE_LABELS, event_types


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], events=None, **kwargs):
        super().__init__(*args, **kwargs)
        for event in events if events is not None else event_types():
            self.fields[f"pref_{event.key}"] = forms.ChoiceField(
                label=event.title, required=False,
                choices=[(c, CHOICE_LABELS[c]) for c in event.choices], initial=current.get(event.key, event.default))

    def changes(self) -> dict[str, str]:
        """event key -> the submitted choice (fields left out of the POST keep their current value)."""
        return {name[5:]: value for name, value in self.cleaned_data.items() if value}
