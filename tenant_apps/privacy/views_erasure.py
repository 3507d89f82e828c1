"""Erasure pages: the person's request (password confirmed) and the cancel link (no login);
the administrators' status page, a request for a member, retry, settings and legal holds."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenant_apps.accounts.api import tenant_admin_required

from . import erasure
from .models_erasure import COOL_OFF_MAX_DAYS


class ErasureRequestForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, strip=False, label="Your password")
    confirm = forms.BooleanField(label="I understand that my account and my data will be erased and that this cannot be undone.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.")
        return password


class MemberErasureForm(forms.Form):
    email = forms.EmailField(label="The member's email address")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.user = User.objects.filter(username=email).first()
        if self.user is None:
            raise ValidationError("No member has this email address.")
        return email


class PrivacySettingsForm(forms.Form):
    erasure_cool_off_days = forms.IntegerField(min_value=0, max_value=COOL_OFF_MAX_DAYS, label="Erasure cool-off (days)")


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request):
    form = ErasureRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = erasure.erasure_request_create(user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            logout(request)  # the session is over: the answer is a page, not a redirect to a login that refuses
            return render(request, "privacy/erasure_requested.html", {"request_": created})
    days = erasure.privacy_settings_get().erasure_cool_off_days
    return render(request, "privacy/erasure_request.html", {"form": form, "days": days},
                  status=409 if form.non_field_errors() else 400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def erasure_cancel(request, token: str):
    """The emailed link: GET shows what it does, POST cancels. Works without login."""
    found = erasure.erasure_request_for_token(token=token)
    if found is None:
        raise Http404("This cancel link is not valid.")
    if request.method == "POST":
        try:
            erasure.erasure_cancel(request=found, actor=found.user)
        except ValidationError as exc:
            return render(request, "privacy/erasure_cancel.html", {"request_": found, "error": exc.messages[0]}, status=409)
        return render(request, "privacy/erasure_cancel.html", {"request_": found, "cancelled": True})
    return render(request, "privacy/erasure_cancel.html", {"request_": found})


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def erasure_list(request):
    form = MemberErasureForm(request.POST or None)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            erasure.erasure_request_create(user=form.user, actor=request.user)
        except ValidationError as exc:
            conflict = True
            form.add_error("email", exc.messages)
        else:
            messages.success(request, "The member's account is locked; the erasure starts after the cool-off.")
            return redirect("privacy_manage:erasures")
    page = Paginator(erasure.erasure_request_list(), 50).get_page(request.GET.get("page"))
    return render(request, "privacy/manage_erasures.html", {"form": form, "page": page, "section": "privacy"},
                  status=409 if conflict else 400 if form.errors else 200)


def _found(public_id):
    found = erasure.erasure_request_get(public_id=public_id)
    if found is None:
        raise Http404("No such erasure request.")
    return found


@tenant_admin_required
@require_POST
def erasure_retry(request, public_id):
    try:
        erasure.erasure_retry(request=_found(public_id), actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The erasure runs again from the step that failed.")
    return redirect("privacy_manage:erasures")


@tenant_admin_required
@require_POST
def erasure_cancel_by_admin(request, public_id):
    try:
        erasure.erasure_cancel(request=_found(public_id), actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The erasure is cancelled and the account unlocked.")
    return redirect("privacy_manage:erasures")


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request):
    current = erasure.privacy_settings_get()
    form = PrivacySettingsForm(request.POST or None, initial={"erasure_cool_off_days": current.erasure_cool_off_days})
    if request.method == "POST" and form.is_valid():
        erasure.privacy_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, "Privacy settings saved.")
        return redirect("privacy_manage:settings")
    return render(request, "privacy/manage_settings.html", {"form": form, "section": "privacy"},
                  status=400 if form.errors else 200)


@tenant_admin_required  # finance staff: there is no finance role yet, administrators are it
@require_GET
def legal_holds(request):
    page = Paginator(erasure.legal_hold_list(), 50).get_page(request.GET.get("page"))
    return render(request, "privacy/manage_legal_holds.html", {"page": page, "section": "privacy"})
