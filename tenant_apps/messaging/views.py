"""Message pages: inbox, one conversation (paginated, HTMX send), new conversation, blocks, report,
attachments, the unread badge; and the tenant admins' moderation list (Manage).

A conversation, message or attachment the caller does not take part in answers 404, like a
missing one; a send the rules refuse answers 403 with the reason; a file too large, 413.
"""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tenant_apps.accounts.api import tenant_admin_required

from . import selectors, services
from .forms import MessageForm, NewConversationForm, ReportForm, ResolveForm
from .models import Report
from .uploads import AttachmentTooLarge, max_bytes

PAGE_SIZE = 30


def _status_for(exc: Exception) -> int:
    if isinstance(exc, AttachmentTooLarge):
        return 413
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


def _add_errors(form, exc: Exception) -> None:
    if isinstance(exc, services.MessagingRefused):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error("file" if isinstance(exc, AttachmentTooLarge) or getattr(exc, "code", "") in (
            "empty_file", "bad_file_type") else None, exc.messages)


def _participant_or_404(request, conversation_id):
    participant = selectors.participant_get(user=request.user, conversation_id=conversation_id)
    if participant is None:
        raise Http404("No such conversation")
    return participant


@login_required
@require_http_methods(["GET"])
def inbox(request):
    rows = selectors.inbox_for(user=request.user)
    return render(request, "messaging/inbox.html", {"rows": rows, "unread_total": sum(r.unread for r in rows)})


@never_cache
@login_required
@require_http_methods(["GET"])
def badge(request):
    return render(request, "messaging/_badge.html", {"messages_unread": selectors.unread_total(user=request.user)})


def _render_conversation(request, participant, form=None, status=200):
    conversation = participant.conversation
    page = Paginator(selectors.messages_for(user=request.user, conversation=conversation), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "participant": participant, "conversation": conversation, "page": page,
        "messages_shown": list(reversed(page.object_list)),
        "others": selectors.conversation_others(conversation=conversation, user=request.user),
        "form": form or MessageForm(), "max_mb": max_bytes() // (1024 * 1024),
    }
    if request.headers.get("HX-Request") and request.method == "POST":
        return render(request, "messaging/_thread.html", context, status=status)
    return render(request, "messaging/conversation.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def conversation(request, conversation_id):
    participant = _participant_or_404(request, conversation_id)
    if not request.GET.get("page"):
        services.conversation_mark_read(participant=participant)
    return _render_conversation(request, participant)


@login_required
@require_http_methods(["POST"])
def send(request, conversation_id):
    participant = _participant_or_404(request, conversation_id)
    form = MessageForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.message_send(sender=request.user, conversation=participant.conversation, body=data["body"],
                                  fmt=data["format"], upload=data.get("file") or None)
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(form, exc)
            status = _status_for(exc)
        else:
            if request.headers.get("HX-Request"):
                return _render_conversation(request, participant)
            return redirect("messaging:conversation", conversation_id=conversation_id)
    return _render_conversation(request, participant, form=form, status=status)


@login_required
@require_http_methods(["POST"])
def mute(request, conversation_id):
    participant = _participant_or_404(request, conversation_id)
    muted = request.POST.get("muted", "toggle")
    value = (not participant.muted) if muted == "toggle" else muted in ("1", "true", "on")
    services.conversation_mute(participant=participant, muted=value)
    messages.success(request, "Conversation muted." if value else "Conversation unmuted.")
    return redirect("messaging:conversation", conversation_id=conversation_id)


@login_required
@require_http_methods(["GET", "POST"])
def new_conversation(request):
    search = (request.GET.get("q") or "").strip()[:100]
    if request.method == "POST":
        posted = request.POST.getlist("recipients")
        contacts = []
        if posted:
            try:
                contacts = list(selectors.contacts_for(user=request.user).filter(profile__public_id__in=posted[:50]))
            except ValidationError:  # not UUIDs
                contacts = []
        form = NewConversationForm(request.POST, request.FILES, contacts=contacts)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                conversation, _ = services.conversation_start(
                    sender=request.user, recipient_ids=data["recipients"], body=data["body"], fmt=data["format"],
                    title=data["title"], upload=data.get("file") or None)
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
                status = _status_for(exc)
            else:
                return redirect("messaging:conversation", conversation_id=conversation.public_id)
    else:
        contacts = list(selectors.contacts_for(user=request.user, search=search)[:50])
        form, status = NewConversationForm(contacts=contacts), 200
    return render(request, "messaging/new.html", {"form": form, "search": search, "contacts": contacts},
                  status=status)


@login_required
@require_http_methods(["GET"])
def attachment(request, attachment_id):
    """An attachment, to the participants of its conversation only (others: 404)."""
    found = selectors.attachment_for(user=request.user, attachment_id=attachment_id)
    if found is None or not found.file:
        raise Http404("No such file")
    storage, name = found.file.storage, found.file.name
    shown = found.file_name.rsplit("/", 1)[-1] or name.rsplit("/", 1)[-1]
    try:
        path = storage.path(name)
    except NotImplementedError:  # object storage: a short-lived signed URL
        response = HttpResponseRedirect(storage.url(name, parameters={
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(shown)}",
            "ResponseContentType": found.content_type}))
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError as exc:
            raise Http404("No such file") from exc
        response = FileResponse(handle, as_attachment=True, filename=shown, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def report(request, message_id):
    message = selectors.message_for(user=request.user, message_id=message_id)
    if message is None:
        raise Http404("No such message")
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_create(reporter=request.user, message=message, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Thank you: the institution's administrators will look at this message.")
                return redirect("messaging:conversation", conversation_id=message.conversation.public_id)
    return render(request, "messaging/report.html", {"form": form, "message": message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def blocks(request):
    if request.method == "POST":
        blocked = None
        try:
            blocked = selectors.user_by_public_id(request.POST.get("user", ""))
        except ValidationError:
            pass
        if blocked is None:
            messages.error(request, "No such member.")
            return render(request, "messaging/blocks.html", {"blocks": selectors.blocks_of(user=request.user)},
                          status=400)
        try:
            services.block_create(blocker=request.user, blocked=blocked)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return render(request, "messaging/blocks.html", {"blocks": selectors.blocks_of(user=request.user)},
                          status=400)
        messages.success(request, f"You blocked {blocked.get_full_name() or 'this member'}.")
        return redirect("messaging:blocks")
    return render(request, "messaging/blocks.html", {"blocks": selectors.blocks_of(user=request.user)})


@login_required
@require_http_methods(["POST"])
def unblock(request, user_id):
    blocked = selectors.user_by_public_id(user_id)
    if blocked is None or not services.block_remove(blocker=request.user, blocked=blocked):
        raise Http404("No such block")
    messages.success(request, "Unblocked.")
    return redirect("messaging:blocks")


# --- Manage: moderation -------------------------------------------------------------------------

@tenant_admin_required
@require_http_methods(["GET"])
def moderation(request):
    status = request.GET.get("status", "open")
    page = Paginator(selectors.reports_for_moderation(status=status), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/moderation.html", {"page": page, "status": status, "section": "messages",
                                                         "statuses": Report.Status.choices})


@tenant_admin_required
@require_http_methods(["POST"])
def moderation_resolve(request, report_id):
    found = selectors.report_get(report_id=report_id)
    if found is None:
        raise Http404("No such report")
    form = ResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.report_resolve(report=found, actor=request.user, note=note)
    messages.success(request, "Report resolved.")
    return redirect("messaging_manage:reports")
