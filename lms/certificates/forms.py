"""The tenant admins' certificate settings form: default page size and up to three signatories."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import CertificateSettings
from .services import SignatoryInput

SLOTS = range(1, CertificateSettings.MAX_SIGNATORIES + 1)


class CertificateSettingsForm(forms.Form):
    page_size = forms.ChoiceField(choices=CertificateSettings.PageSize.choices, label="Default page size",
                                  help_text="Learners can still download the other size.")

    def __init__(self, *args, current: CertificateSettings, **kwargs):
        self.current = current
        signatories = list(current.signatories or [])
        initial = {"page_size": current.page_size}
        for n in SLOTS:
            row = signatories[n - 1] if n <= len(signatories) else {}
            initial[f"name_{n}"], initial[f"title_{n}"] = row.get("name", ""), row.get("title", "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for n in SLOTS:
            self.fields[f"name_{n}"] = forms.CharField(label="Name", max_length=200, required=False)
            self.fields[f"title_{n}"] = forms.CharField(label="Title", max_length=200, required=False)
            self.fields[f"signature_{n}"] = forms.FileField(
                label="Signature image", required=False, help_text="PNG, JPEG or WebP, under 2 MB; a transparent PNG prints best.")
            self.fields[f"remove_signature_{n}"] = forms.BooleanField(label="Remove the signature image", required=False)

    def rows(self) -> list[dict]:
        signatories = list(self.current.signatories or [])
        return [{"n": n, "name": self[f"name_{n}"], "title": self[f"title_{n}"], "signature": self[f"signature_{n}"],
                 "remove": self[f"remove_signature_{n}"],
                 "has_signature": n <= len(signatories) and bool(signatories[n - 1].get("signature"))} for n in SLOTS]

    def signatories(self) -> list[SignatoryInput]:
        data = self.cleaned_data
        return [SignatoryInput(name=data[f"name_{n}"], title=data[f"title_{n}"],
                               signature_upload=data.get(f"signature_{n}") or None,
                               remove_signature=data[f"remove_signature_{n}"]) for n in SLOTS]

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
