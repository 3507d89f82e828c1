"""Calendar pages: month, week and agenda views of the user's entries; the feed's secret URL
(regenerate, revoke); the iCal feed itself (no login: the token is the key)."""
from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import ical, selectors, services

VIEWS = ("month", "week", "agenda")
FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 366


def _anchor(value: str | None) -> date | None:
    if not value:
        return timezone.localdate()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None


def _page(request, *, feed_url: str = "", status: int = 200):
    view = request.GET.get("view", "month")
    anchor = _anchor(request.GET.get("date"))
    if view not in VIEWS or anchor is None:
        return render(request, "calendar/page.html", {"error": "Choose a view (month, week, agenda) and a date as YYYY-MM-DD.",
                                                      "views": VIEWS}, status=400)
    layout = selectors.calendar_layout(user=request.user, view=view, anchor=anchor)
    return render(request, "calendar/page.html", {
        "layout": layout, "views": VIEWS, "today": timezone.localdate(), "time_zone": timezone.get_current_timezone_name(),
        "feed_url": feed_url, "has_feed": feed_url or selectors.feed_token_exists(user=request.user),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }, status=status)


@login_required
@require_GET
def calendar_page(request):
    return _page(request)


@login_required
@require_GET
def upcoming(request):
    """The dashboard's "Upcoming" card (fetched by the dashboard after it loads): the next days'
    entries of the sources the dashboard does not list itself (course events, campaign deadlines)."""
    return render(request, "calendar/_upcoming.html", {"rows": selectors.dashboard_upcoming(request.user),
                                                       "days": selectors.DASHBOARD_DAYS})


@login_required
@require_POST
def feed_token_regenerate(request):
    token = services.feed_token_regenerate(user=request.user)
    url = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token}))
    return _page(request, feed_url=url)  # shown once, not redirected: the token is not kept anywhere


@login_required
@require_POST
def feed_token_revoke(request):
    services.feed_token_revoke(user=request.user)
    return redirect("calendar:page")


@require_http_methods(["GET", "HEAD"])
def feed(request, token: str):
    user = selectors.feed_user_for_token(token=token)
    if user is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    entries = selectors.calendar_entries(user=user, start=now - timedelta(days=FEED_PAST_DAYS),
                                         end=now + timedelta(days=FEED_FUTURE_DAYS))
    body = ical.feed_render(entries=entries, name=f"{request.tenant.name} calendar", host=request.get_host().split(":")[0],
                            site_url=request.build_absolute_uri("/"), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
