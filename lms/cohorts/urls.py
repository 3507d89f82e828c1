"""Cohort and trainer pages, under a course's and a track's studio."""
from django.urls import path

from . import views

app_name = "cohorts"


def _routes(prefix: str, kind: str, name: str) -> list:
    k = {"kind": kind}
    return [
        path(prefix + "cohorts/", views.overview, k, name=f"{name}"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/", views.cohort_detail, k, name=f"{name}-cohort"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/delete", views.cohort_delete, k, name=f"{name}-cohort-delete"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/members", views.cohort_members_add, k, name=f"{name}-members-add"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/members/<uuid:learner_id>/remove", views.cohort_member_remove, k,
             name=f"{name}-member-remove"),
        path(prefix + "trainers/assign", views.trainer_assign, k, name=f"{name}-assign"),
        path(prefix + "trainers/rebalance", views.rebalance, k, name=f"{name}-rebalance"),
        path(prefix + "trainers/cap", views.cap_set, k, name=f"{name}-cap"),
        path(prefix + "my-learners/", views.my_learners, k, name=f"{name}-my-learners"),
    ]


urlpatterns = _routes("studio/courses/<slug:slug>/", "course", "course") + _routes("studio/tracks/<slug:slug>/", "track", "track")
