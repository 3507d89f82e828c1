"""Public, read-only JSON: the institution's DID document, JWKS, issuer profile and status lists.

No login: verifiers anywhere fetch these. CORS is open (browser wallets and verifiers), and each
answer carries an ETag so a verifier's cache revalidates cheaply.
"""
from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import selectors, services
from .models import StatusList


def _json(request, data: dict, *, max_age: int, content_type: str = "application/json") -> HttpResponse:
    body = json.dumps(data, indent=2, ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def did_json(request):
    return _json(request, selectors.did_document(), max_age=300, content_type="application/did+json")


@require_safe
def jwks_json(request):
    return _json(request, selectors.jwks(), max_age=300, content_type="application/jwk-set+json")


@require_safe
def issuer_json(request):
    return _json(request, selectors.issuer_profile(), max_age=300)


@require_safe
def status_list(request, public_id):
    try:
        listed = selectors.status_list_get(public_id=public_id)
    except StatusList.DoesNotExist:
        raise Http404("No such status list") from None
    # Short: a revocation should reach verifiers within minutes.
    return _json(request, services.status_list_signed(status_list=listed), max_age=60)
