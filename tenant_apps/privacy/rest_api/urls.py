"""/api/v1/privacy/..."""
from django.urls import path  # noqa: F401

from . import erasure as erasure_api

urlpatterns: list = [
    path("privacy/erasure", erasure_api.ErasureRequestApi.as_view(), name="api-privacy-erasure"),
    path("privacy/erasure/cancel", erasure_api.ErasureCancelApi.as_view(), name="api-privacy-erasure-cancel"),
    path("manage/privacy/erasures", erasure_api.ErasureListApi.as_view(), name="api-privacy-erasures"),
    path("manage/privacy/erasures/<str:id>/retry", erasure_api.ErasureRetryApi.as_view(), name="api-privacy-erasure-retry"),
]
