"""OPTIONS and the browsable API for views that build no serializer for a method.

DRF's SimpleMetadata and BrowsableAPIRenderer call `view.get_serializer()` for every write
method; views that validate with a nested InputSerializer (the house style) have no
`serializer_class`, so OPTIONS and `?format=api` raised AssertionError (a 500). Here a view
that cannot describe its input simply describes nothing.
"""
from __future__ import annotations

from rest_framework.metadata import SimpleMetadata
from rest_framework.renderers import BrowsableAPIRenderer


def _describes_input(view) -> bool:
    return hasattr(view, "get_serializer") and (
        getattr(view, "serializer_class", None) is not None
        or type(view).get_serializer_class is not _generic_get_serializer_class()
    )


def _generic_get_serializer_class():
    from rest_framework.generics import GenericAPIView

    return GenericAPIView.get_serializer_class


class InputAwareMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        if not _describes_input(view):
            return {}
        return super().determine_actions(request, view)


class InputAwareBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_rendered_html_form(self, data, view, method, request):
        if not _describes_input(view):
            return None
        return super().get_rendered_html_form(data, view, method, request)

    def get_raw_data_form(self, data, view, method, request):
        if not _describes_input(view):
            return None
        return super().get_raw_data_form(data, view, method, request)
