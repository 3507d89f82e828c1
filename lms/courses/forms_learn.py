"""Forms of the learner pages (catalog filters) and of staff enrollment (bulk enroll by email)."""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import Course

BULK_ENROLL_MAX = 500


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title or summary"}))
    level = forms.ChoiceField(label="Level", required=False, choices=[("", "Any level"), *Course.Level.choices])
    tag = forms.ChoiceField(label="Tag", required=False, choices=[("", "Any tag")])

    def __init__(self, *args, tags: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag"), *((t, t) for t in tags)]

    def filters(self) -> dict[str, str]:
        """Selector arguments; an invalid value is ignored rather than failing the whole catalog."""
        self.is_valid()
        data = self.cleaned_data
        return {"search": data.get("q", "").strip(), "level": data.get("level", ""), "tag": data.get("tag", "")}


def split_emails(text: str) -> list[str]:
    """Addresses from a pasted list: one a line (commas, semicolons and spaces also separate)."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class BulkEnrollForm(forms.Form):
    emails = forms.CharField(
        label="Learners' email addresses", max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "ada@example.org\ngrace@example.org"}),
        help_text=f"One address a line, at most {BULK_ENROLL_MAX}. Each must belong to an account of this site.",
    )
    note = forms.CharField(
        label="Note", required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Scholarship 2025, late registration, …"}),
        help_text="Kept with each enrollment (scholarships, special cases).",
    )

    def clean_emails(self) -> list[str]:
        emails, seen, invalid = [], set(), []
        for raw in split_emails(self.cleaned_data["emails"]):
            email = raw.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                invalid.append(raw)
                continue
            if email not in seen:
                seen.add(email)
                emails.append(email)
        if invalid:
            shown = ", ".join(invalid[:10]) + (" …" if len(invalid) > 10 else "")
            raise ValidationError(f"Not valid email addresses: {shown}")
        if not emails:
            raise ValidationError("Enter at least one email address.")
        if len(emails) > BULK_ENROLL_MAX:
            raise ValidationError(f"At most {BULK_ENROLL_MAX} addresses at a time ({len(emails)} given).")
        return emails
