"""The public site: landing page and "Start your institution"."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_tenants.utils import tenant_context

from billing.api import plan_list_available

from tenants.api import handoff_token_make
from tenants.api import tenant_create
from tenants.api import site_url_for_host

from .forms import InstitutionSignupForm
from .throttle import THROTTLED_MESSAGE, signup_is_throttled, signup_record_attempt, signup_retry_after


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
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            with tenant_context(tenant):
                admin_id = User.objects.get(username=data["admin_email"].strip().lower()).pk
            token = handoff_token_make(tenant_uuid=str(tenant.uuid), user_id=admin_id)
            return redirect(site_url_for_host(request, tenant.primary_domain, f"/accounts/handoff/?token={token}"))
    return render(request, "public/signup.html", {"form": form}, status=400 if form.is_bound and form.errors else 200)
