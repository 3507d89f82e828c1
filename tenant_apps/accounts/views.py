"""Account pages inside an institution's site: log in/out, sign up, verify, reset, profile."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from billing.api import PlanLimitExceeded, limit_refusal_notify, limit_refusal_plain
from tenant_apps.privacy.api import ChoicesForm, choices_current, consent_accept_current
from tenants.api import handoff_token_redeem

from . import reset_throttle, services
from .forms import InvitationAcceptForm, MemberLoginForm, ProfileForm, SignupForm
from .roles import Role, role_of
from .selectors import site_settings_get

BACKEND = "tenant_apps.accounts.backends.EmailBackend"


def _role_label(user) -> str | None:
    role = role_of(user) if user.is_authenticated else None
    return Role(role).label if role else None


def home(request):
    return render(request, "accounts/home.html", {"role": _role_label(request.user)})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = MemberLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def handoff(request):
    user_id = handoff_token_redeem(request.GET.get("token", ""))
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        messages.error(request, "That sign-in link is invalid or was already used. Please log in.")
        return redirect("login")
    login(request, user, backend=BACKEND)  # login() rotates the session key
    messages.success(request, "Welcome to your new site! You are signed in as its administrator.")
    return redirect("home")


@require_http_methods(["GET", "POST"])
def signup(request):
    if not site_settings_get().allow_self_registration:
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.user_create(
                    email=data["email"], password=data["password1"], first_name=data["first_name"],
                    last_name=data["last_name"], role=Role.LEARNER,
                )
                consent_accept_current(user=user, source="signup", request=request)
        except PlanLimitExceeded as exc:
            # The person signing up cannot upgrade anything: a plain message; the admins are told.
            limit_refusal_notify(exc, what=f"self sign-up of {data['email']}")
            form.add_error(None, limit_refusal_plain(exc))
        except ValidationError as exc:
            form.add_error("email", exc.message_dict.get("email", exc.messages))
        else:
            services.email_verification_send(user=user, base_url=request.build_absolute_uri("/"))
            login(request, user, backend=BACKEND)
            messages.success(request, "Account created. We sent you an email to confirm your address.")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def verify_email(request, token: str):
    try:
        services.email_verify(token=token)
    except ValidationError as exc:
        return render(request, "accounts/message.html", {"title": "Link not valid", "text": exc.messages[0]}, status=400)
    messages.success(request, "Your email address is confirmed.")
    return redirect("profile" if request.user.is_authenticated else "login")


@login_required
@require_http_methods(["POST"])
def verify_email_resend(request):
    services.email_verification_send(user=request.user, base_url=request.build_absolute_uri("/"))
    messages.success(request, "We sent a new confirmation link to your email address.")
    return redirect("profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name,
                                                      "time_zone": user.profile.time_zone})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {
        "form": form, "role": _role_label(user), "profile": user.profile,
        "choices_form": ChoicesForm(initial=choices_current(user=user)),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def sign_out_everywhere(request):
    services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You are signed out on every device and browser. Sign in again to continue.")
    return redirect("login")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_get_pending(token=token)
    except ValidationError as exc:
        return render(request, "accounts/message.html", {"title": "Invitation not valid", "text": exc.messages[0]}, status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.invitation_accept(
                    token=token, password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
                )
                consent_accept_current(user=user, source="invitation", request=request)
        except PlanLimitExceeded as exc:
            limit_refusal_notify(exc, what=f"invitation accepted by {invitation.email}")
            form.add_error(None, limit_refusal_plain(exc))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    # The email is the "password_reset" notification (templates/notifications/password_reset.*), sent by form_valid.
    email_template_name = "notifications/password_reset.txt"
    html_email_template_name = "notifications/password_reset.html"
    subject_template_name = "notifications/password_reset.subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        # Bounded per client IP: each accepted form may send an email to a stranger's address.
        if reset_throttle.is_throttled(request):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, reset_throttle.THROTTLED_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form, throttled=True))
            response.status_code = 429
            response["Retry-After"] = str(reset_throttle.retry_after())
            return response
        reset_throttle.record(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Same answer, after the same work, whether or not the address has an account.
        services.password_reset_request(email=form.cleaned_data["email"], base_url=self.request.build_absolute_uri("/"))
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def site_logo(request):
    site = site_settings_get()
    if not site.logo:
        raise Http404("No logo")
    try:
        handle = site.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No logo") from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=300"
    return response
