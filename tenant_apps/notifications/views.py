"""Pages of notifications: the list, the bell's badge fragment, preferences, one-click unsubscribe, staff preview."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tenant_apps.accounts.api import tenant_admin_required

from . import selectors, services
from .forms import PreferencesForm
from .registry import CATEGORIES, event_types


@login_required
@require_http_methods(["GET"])
def notification_list(request):
    page = Paginator(selectors.notification_list_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/pages/list.html", {"page": page})


@never_cache
@login_required
@require_http_methods(["GET"])
def badge(request):
    """The bell's badge alone (HTMX polls it every 30 s; the live socket swaps the same element)."""
    return render(request, "notifications/pages/_badge.html",
                  {"notifications_unread": selectors.unread_count(user=request.user)})


def _back(request):
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) and nxt.startswith("/"):
        return redirect(nxt)
    return redirect("notifications:list")


@login_required
@require_http_methods(["POST"])
def mark_read(request, public_id):
    n = services.notification_mark_read(user=request.user, public_id=public_id)
    if n is None:
        raise Http404
    if request.POST.get("open") and n.url.startswith("/") and not n.url.startswith("//"):
        return redirect(n.url)
    return _back(request)


@login_required
@require_http_methods(["POST"])
def mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    messages.success(request, "All notifications are marked as read.")
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    rows = selectors.preferences_for_user(user=request.user)  # only the event types that can reach this person
    current = {r["event"].key: r["choice"] for r in rows}
    form = PreferencesForm(request.POST or None, current=current, events=[r["event"] for r in rows])
    if request.method == "POST" and form.is_valid():
        for key, choice in form.changes().items():
            if current.get(key) != choice:
                services.preference_set(user=request.user, event_key=key, choice=choice)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    groups: dict[str, list] = {}
    for row in rows:  # by category, in CATEGORIES' order (event_types() sorts so)
        groups.setdefault(CATEGORIES[row["event"].category], []).append((form[f"pref_{row['event'].key}"], row))
    return render(request, "notifications/pages/preferences.html", {"form": form, "groups": list(groups.items())},
                  status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page to confirm; POST (one-click or the page's button): only this category for this person."""
    found = services.unsubscribe_token_read(token=token)
    if found is None:
        raise Http404
    user, category = found
    context = {"category": CATEGORIES[category], "email": user.email, "token": token}
    if request.method == "POST":
        services.email_unsubscribe(user=user, category=category)
        return render(request, "notifications/pages/unsubscribed.html", context)
    return render(request, "notifications/pages/unsubscribe.html", context)


@tenant_admin_required
@require_http_methods(["GET"])
def preview(request):
    """Every event type's templates rendered with its sample context (tenant admins)."""
    wanted = request.GET.get("event", "")
    out = []
    for event in event_types():
        if wanted and event.key != wanted:
            continue
        context = services._base_context({"first_name": "Ada", "email": "ada@example.org"}, event.sample_context())
        try:
            item = {"event": event, "in_app": services.render_in_app(event, context),
                    "email": services.render_email(event, context, unsubscribe_url="" if event.mandatory else
                                                   "https://example.org/notifications/unsubscribe/TOKEN/"),
                    "error": ""}
        except TemplateDoesNotExist as exc:
            item = {"event": event, "in_app": "", "email": None, "error": f"missing template {exc}"}
        out.append(item)
    if wanted and not out:
        raise Http404
    return render(request, "notifications/pages/preview.html", {"items": out})


