"""Base classes for tenant API views: querysets scoped to the caller, failing closed.

Subclasses implement `safely_get_queryset(request)`: what this caller may see. Overriding
`get_queryset`/`get_object` is refused at class creation (after PostHog's
TeamAndOrgViewSetMixin), so the scoped path is the only easy one. A missing object and a
forbidden one both answer 404.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from rest_framework import generics, permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


class InTenantSchema(permissions.BasePermission):
    """Tenant APIs never run against the public schema (fail closed if routing went wrong)."""

    def has_permission(self, request, view):
        tenant = getattr(request, "tenant", None)
        return tenant is not None and connection.schema_name == tenant.schema_name != "public"


class TenantApi(APIView):
    permission_classes = [InTenantSchema, permissions.IsAuthenticated]

    def validated(self, request, serializer_class=None, *, partial: bool = False) -> dict:
        serializer_class = serializer_class or self.InputSerializer  # type: ignore[attr-defined]
        serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_permissions(self):
        # InTenantSchema always applies, whatever a subclass lists.
        classes = list(self.permission_classes)
        if InTenantSchema not in classes:
            classes.insert(0, InTenantSchema)
        return [cls() for cls in classes]


class _ScopedQuerysetMixin:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "get_object"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}; implement safely_get_queryset(request) instead "
                    "(or dangerously_get_queryset when you really mean to bypass scoping)."
                )

    def safely_get_queryset(self, request) -> QuerySet:
        raise NotImplementedError

    def dangerously_get_queryset(self) -> QuerySet | None:
        return None

    def get_queryset(self):
        qs = self.dangerously_get_queryset()
        if qs is None:
            qs = self.safely_get_queryset(self.request)
        return qs

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        try:
            obj = queryset.get(**{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc
        except Exception as exc:  # invalid uuid etc. from the database layer
            from django.core.exceptions import ValidationError

            if isinstance(exc, ValidationError):
                raise NotFound() from exc
            raise
        self.check_object_permissions(self.request, obj)
        return obj


class TenantViewSet(_ScopedQuerysetMixin, viewsets.GenericViewSet):
    permission_classes = [InTenantSchema, permissions.IsAuthenticated]


class TenantGenericApi(_ScopedQuerysetMixin, generics.GenericAPIView):
    permission_classes = [InTenantSchema, permissions.IsAuthenticated]
