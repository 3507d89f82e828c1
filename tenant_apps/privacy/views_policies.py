"""Policy pages: the current privacy policy and terms with their history, the consent prompt, the
optional consents; for tenant admins, versions with acceptance rates, drafts, publishing, the CSV."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenant_apps.accounts.api import tenant_admin_required
from tenants.api import audit_log, csv_streaming_response

from . import consent, policies
from .forms_policies import ChoicesForm, PolicyDraftForm, PolicyPublishForm
from .models_policies import PolicyDocument

KIND_OF_PAGE = {"policy": PolicyDocument.Kind.PRIVACY, "terms": PolicyDocument.Kind.TERMS}


def _published_or_404(public_id) -> PolicyDocument:
    document = PolicyDocument.objects.filter(public_id=public_id, published_at__isnull=False).first()
    if document is None:
        raise Http404("No such version")
    return document


@require_GET
def policy_page(request, page: str):
    kind = KIND_OF_PAGE[page]
    document = policies.policy_current(kind=kind)
    if document is None:
        raise Http404("No policy yet")
    return render(request, "privacy/policy.html", {
        "document": document, "html": policies.render_policy(document), "history": policies.policy_history(kind=kind),
        "page": page})


@require_GET
def policy_version(request, public_id):
    document = _published_or_404(public_id)
    page = "policy" if document.kind == PolicyDocument.Kind.PRIVACY else "terms"
    return render(request, "privacy/policy.html", {
        "document": document, "html": policies.render_policy(document),
        "history": policies.policy_history(kind=document.kind), "page": page,
        "is_current": policies.policy_current(kind=document.kind) == document})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    # a path on this site only ("/…"): anything else (a view name, a control character) goes home
    if (not target.startswith("/") or any(ord(c) < 32 for c in target)
            or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())):
        return "/"
    return target


@login_required
@require_http_methods(["GET", "POST"])
def consent_prompt(request):
    missing = consent.consent_missing(user=request.user)
    if request.method == "POST":
        if missing:
            documents = list(PolicyDocument.objects.filter(pk__in=[d["id"] for d in missing]))
            consent.consent_accept(user=request.user, documents=documents, source="prompt", request=request)
            messages.success(request, "Thank you: you accepted the new version.")
        return redirect(_safe_next(request))
    if not missing:
        return redirect(_safe_next(request))
    docs = {d.pk: d for d in PolicyDocument.objects.filter(pk__in=[d["id"] for d in missing])}
    return render(request, "privacy/consent.html", {"documents": [docs[d["id"]] for d in missing if d["id"] in docs],
                                                    "next": _safe_next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def choices(request):
    current = consent.choices_current(user=request.user)
    form = ChoicesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        consent.choices_update(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, "Your choices are saved.")
        return redirect(_safe_next(request) if request.POST.get("next") else "privacy:choices")
    return render(request, "privacy/choices.html", {"form": form, "history": request.user.consent_choices.all()[:50],
                                                    "consents": consent.consent_history(user=request.user)[:50]})


# --- tenant admins --------------------------------------------------------------------------------

@tenant_admin_required
@require_GET
def manage_policies(request):
    rates = {row["document"].pk: row for row in policies.policy_acceptance_rows()}
    current = {d.pk for d in policies.policy_current_all()}
    now = timezone.now()
    documents = list(policies.policy_list_for_staff())
    for document in documents:
        row = rates.get(document.pk)
        document.accepted_active = row["accepted"] if row else 0
        document.rate_percent = round(row["rate"] * 100, 1) if row else None
        document.status = ("draft" if not document.published_at else "current" if document.pk in current
                           else "scheduled" if document.effective_at > now else "superseded")
    return render(request, "privacy/manage_policies.html", {
        "section": "privacy", "documents": documents, "active_members": next(iter(rates.values()))["active"] if rates else 0})


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def manage_policy_new(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in policies.KINDS else PolicyDocument.Kind.PRIVACY
    current = policies.policy_current(kind=kind)
    initial = {"kind": kind, "reconsent": True, **({"title": current.title, "body": current.body} if current else {})}
    form = PolicyDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        document = policies.policy_draft_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, "Draft saved. Review it, then publish it with an effective date.")
        return redirect("privacy_manage:policy", public_id=document.public_id)
    return render(request, "privacy/manage_policy_edit.html", {"section": "privacy", "form": form, "document": None},
                  status=400 if form.errors else 200)


def _document_or_404(public_id) -> PolicyDocument:
    document = PolicyDocument.objects.filter(public_id=public_id).first()
    if document is None:
        raise Http404("No such version")
    return document


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def manage_policy(request, public_id):
    document = _document_or_404(public_id)
    initial = {"kind": document.kind, "title": document.title, "body": document.body, "summary": document.summary,
               "reconsent": document.reconsent}
    form = PolicyDraftForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if document.is_published:
            messages.error(request, "A published version cannot change; write a new draft instead.")
            return redirect("privacy_manage:policy", public_id=document.public_id)
        if form.is_valid():
            data = form.cleaned_data
            policies.policy_draft_update(document=document, title=data["title"], body=data["body"],
                                         summary=data["summary"], reconsent=data["reconsent"])
            messages.success(request, "Draft saved.")
            return redirect("privacy_manage:policy", public_id=document.public_id)
        status = 400
    return render(request, "privacy/manage_policy_edit.html", {
        "section": "privacy", "form": form, "document": document, "html": policies.render_policy(document),
        "publish_form": PolicyPublishForm()}, status=status)


@tenant_admin_required
@require_POST
def manage_policy_publish(request, public_id):
    document = _document_or_404(public_id)
    form = PolicyPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Could not publish: " + " ".join(form.errors.get("effective_at", ["invalid date"])))
        return redirect("privacy_manage:policy", public_id=document.public_id)
    try:
        document = policies.policy_publish(document=document, effective_at=form.cleaned_data["effective_at"],
                                           actor=request.user)
    except policies.PolicyImmutable as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "Could not publish: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Version {document.version} published; it takes effect "
                                  f"{document.effective_at:%Y-%m-%d %H:%M} UTC.")
        return redirect("privacy_manage:policies")
    return redirect("privacy_manage:policy", public_id=document.public_id)


@tenant_admin_required
@require_POST
def manage_policy_delete(request, public_id):
    document = _document_or_404(public_id)
    try:
        policies.policy_draft_delete(document=document)
    except policies.PolicyImmutable as exc:
        messages.error(request, str(exc))
        return redirect("privacy_manage:policy", public_id=document.public_id)
    messages.success(request, "Draft deleted.")
    return redirect("privacy_manage:policies")


CSV_HEADER = ["accepted_at", "user_email", "user_name", "document", "version", "source", "ip", "user_agent"]


@tenant_admin_required
@require_GET
def manage_consents_csv(request):
    audit_log(action="privacy.consents_export", target=("privacy.consentrecord", "", "consent records CSV"))

    def rows():
        yield CSV_HEADER
        for record in consent.consent_records_for_export().iterator(chunk_size=500):
            yield [record.accepted_at.isoformat(), record.user.email, record.user.get_full_name(),
                   record.document.kind, record.document.version, record.source, record.ip or "", record.user_agent]

    return csv_streaming_response(rows(), filename="consent-records.csv")
