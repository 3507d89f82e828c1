"""The studio form of a live session (times in the editor's time zone)."""
from __future__ import annotations

from django import forms

from .models import LiveSession

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))


class LiveSessionForm(forms.ModelForm):
    starts_at = _when("Starts")
    ends_at = _when("Ends")
    join_url = forms.URLField(label="Join link (https)", max_length=1000, assume_scheme="https",
                              widget=forms.URLInput(attrs={"placeholder": "https://"}))

    class Meta:
        model = LiveSession
        fields = ["title", "starts_at", "ends_at", "join_url", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "The session must end after it starts.")
        return cleaned
