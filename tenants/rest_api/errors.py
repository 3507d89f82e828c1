"""One error shape for the whole API: {"message": ..., "code": ..., "errors": {field: [..]}}."""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..limits import PlanLimitExceeded

logger = logging.getLogger(__name__)


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, PlanLimitExceeded):
        # 402: the plan's allowance is used up (an upgrade lifts it); 403: the plan lacks the feature.
        http_status = status.HTTP_403_FORBIDDEN if exc.is_feature else status.HTTP_402_PAYMENT_REQUIRED
        return Response(exc.as_json(), status=http_status)
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DataError):
        # Last line of defence: a value the database refuses (too long, NUL, out of range) is the
        # client's input, not a server fault. Serializers should have caught it (logged to fix).
        logger.warning("DataError reached the API exception handler in %s: %s", context.get("view"), exc)
        exc = exceptions.ValidationError({"non_field_errors": ["A value is too long or contains characters that cannot be stored."]})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body: dict = {"code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(data, dict):
            errors = {k: (v if isinstance(v, list) else [v]) for k, v in data.items()}
        else:
            errors = {"non_field_errors": data if isinstance(data, list) else [data]}
        non_field = errors.get("non_field_errors")
        body["message"] = str(non_field[0]) if non_field else "Some fields are invalid; see errors."
        body["errors"] = errors
        body["code"] = "invalid"
    elif isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        body["message"] = str(detail if not isinstance(detail, dict) else detail.get("detail", detail))
        body["code"] = getattr(detail, "code", None) or body["code"]
    else:
        body["message"] = str(data)
    response.data = body
    return response


def error_response(message: str, *, code: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"message": message, "code": code}, status=http_status)
