"""Forms of the cohort pages."""
from django import forms

from .models import DEFAULT_MAX_LEARNERS


class CohortForm(forms.Form):
    name = forms.CharField(max_length=120)
    starts_on = forms.DateField(required=False, label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))


class MembersForm(forms.Form):
    emails = forms.CharField(max_length=50_000, widget=forms.Textarea(attrs={"rows": 3}), label="Learners' email addresses",
                             help_text="One per line or separated by commas; learners of this course or track.")

    def cleaned_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").replace(";", "\n")
        return [e.strip() for e in raw.splitlines() if e.strip()][:500]


class AssignForm(forms.Form):
    learner = forms.UUIDField()
    trainer = forms.UUIDField(required=False, help_text="Empty: no trainer.")


class CapForm(forms.Form):
    max_learners_per_trainer = forms.IntegerField(min_value=1, max_value=1000, initial=DEFAULT_MAX_LEARNERS,
                                                  label="Learners per trainer (at most)")
