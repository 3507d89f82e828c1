"""The public site: landing page and "Start your institution"."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_tenants.utils import tenant_context

from billing.api import plan_list_available

from tenants.api import Tenant
from tenants.api import activation_pending_admins, activation_token_claim, activation_token_make, activation_token_read
from tenants.api import handoff_token_make
from tenants.api import mail_send
from tenants.api import tenant_activate, tenant_create, tenant_pending_expires_at
from tenants.api import site_url_for_host

from .forms import InstitutionSignupForm, ResendVerificationForm
from .throttle import RESEND_THROTTLED_MESSAGE, THROTTLED_MESSAGE, resend_is_throttled, resend_record_attempt
from .throttle import signup_is_throttled, signup_record_attempt, signup_retry_after


def landing(request):
    return render(request, "public/landing.html", {"plans": plan_list_available()})


@require_http_methods(["GET", "POST"])
def institution_signup(request):
    form = InstitutionSignupForm(request.POST or None, initial={"plan": plan_list_available().first()})
    if request.method == "POST" and signup_is_throttled(request):
        response = render(request, "public/signup.html", {"form": form, "throttled": THROTTLED_MESSAGE}, status=429)
        response["Retry-After"] = str(signup_retry_after(request))
        return response
    if request.method == "POST" and form.is_valid():
        signup_record_attempt(request)
        data = form.cleaned_data
        try:
            tenant = tenant_create(
                name=data["name"], slug=data["slug"], plan=data["plan"],
                admin_email=data["admin_email"], admin_password=data["admin_password"],
                admin_first_name=data["admin_first_name"], admin_last_name=data["admin_last_name"],
                pending=True, currency=data["currency"], country=data["country"].upper(),
                time_zone=data["time_zone"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            with tenant_context(tenant):
                admin = User.objects.get(username=data["admin_email"].strip().lower())
            connection.set_schema_to_public()
            _verification_send(request, tenant, admin, hours=settings.SIGNUP_PENDING_HOURS)
            email = admin.email or data["admin_email"]
            return render(request, "public/signup_pending.html",
                          {"tenant": tenant, "email": email, "resend_form": ResendVerificationForm(initial={"email": email})})
    return render(request, "public/signup.html", {"form": form}, status=400 if form.is_bound and form.errors else 200)


def _verification_send(request, tenant, admin, *, hours: int) -> None:
    """Email the admin a new confirmation link (delivered by the mail task on commit)."""
    token = activation_token_make(tenant_uuid=str(tenant.uuid), user_id=admin.pk)
    link = request.build_absolute_uri(reverse("institution-verify", args=[token]))
    mail_send(template="signup_verify", to=[admin.email or admin.username],
              context={"tenant": tenant, "user": admin, "link": link, "hours": hours})


@require_http_methods(["GET", "POST"])
def institution_resend(request):
    """"Resend the verification email" of a pending institution.

    The answer is the same whether or not the address belongs to a pending institution's admin
    (no account enumeration); only a pending one gets mail. Each resend mails a NEW link; links
    sent before stay valid until they expire (SIGNUP_PENDING_HOURS after they were sent) -- any of
    them activates the same institution for the same admin, and once one has been used the
    others are void (the institution is no longer pending). The mail states the hours left before
    an unconfirmed institution is removed, which a newer link does not extend.
    """
    form = ResendVerificationForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if resend_is_throttled(request, email):
            response = render(request, "public/signup_resend.html", {"form": form, "throttled": RESEND_THROTTLED_MESSAGE},
                              status=429)
            response["Retry-After"] = str(signup_retry_after(request))
            return response
        resend_record_attempt(request, email)
        for tenant, admin in activation_pending_admins(email):
            _verification_send(request, tenant, admin, hours=_hours_left(tenant))
        return render(request, "public/signup_resend.html", {"sent_to": email})
    return render(request, "public/signup_resend.html", {"form": form}, status=400 if form.is_bound and form.errors else 200)


def _hours_left(tenant) -> int:
    from django.utils import timezone

    seconds = (tenant_pending_expires_at(tenant) - timezone.now()).total_seconds()
    return max(1, int(seconds // 3600))


def _verify_error(request, message: str):
    return render(request, "public/signup_verify_error.html", {"message": message}, status=400)


@require_http_methods(["GET"])
def institution_verify(request, token: str):
    """The admin opened the link from the confirmation email: open the site, sign them in."""
    data = activation_token_read(token)
    if data is None:
        return _verify_error(request, "This confirmation link is invalid or has expired. If it expired, please sign up again.")
    tenant = Tenant.objects.filter(uuid=data["t"] if _is_uuid(data["t"]) else None, is_template=False).first()
    if tenant is None:
        return _verify_error(request, "This institution no longer exists. Please sign up again.")
    if tenant.status != Tenant.Status.PENDING or not activation_token_claim(token):
        return _verify_error(request, "This confirmation link has already been used. Sign in on your institution's site instead.")
    try:
        tenant = tenant_activate(tenant=tenant)
    except ValidationError:
        return _verify_error(request, "This confirmation link has already been used. Sign in on your institution's site instead.")
    handoff = handoff_token_make(tenant_uuid=str(tenant.uuid), user_id=data["u"])
    return redirect(site_url_for_host(request, tenant.primary_domain, f"/accounts/handoff/?token={handoff}"))


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
