"""/api/v1/ routes of cohorts and trainers: the same for a course and a track."""
from django.urls import path

from . import views


def _routes(prefix: str, kind: str) -> list:
    k = {"kind": kind}
    return [
        path(prefix + "cohorts", views.CohortListApi.as_view(), k, name=f"api-{kind}-cohorts"),
        path(prefix + "cohorts/<uuid:cohort_uuid>", views.CohortApi.as_view(), k, name=f"api-{kind}-cohort"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/members", views.CohortMembersApi.as_view(), k,
             name=f"api-{kind}-cohort-members"),
        path(prefix + "cohorts/<uuid:cohort_uuid>/members/<uuid:learner_id>", views.CohortMemberApi.as_view(), k,
             name=f"api-{kind}-cohort-member"),
        path(prefix + "trainers", views.TrainersApi.as_view(), k, name=f"api-{kind}-trainers"),
        path(prefix + "trainers/assignments", views.TrainerAssignApi.as_view(), k, name=f"api-{kind}-trainer-assign"),
        path(prefix + "trainers/rebalance", views.RebalanceApi.as_view(), k, name=f"api-{kind}-rebalance"),
        path(prefix + "trainers/cap", views.CapApi.as_view(), k, name=f"api-{kind}-trainer-cap"),
        path(prefix + "my-learners", views.MyLearnersApi.as_view(), k, name=f"api-{kind}-my-learners"),
    ]


urlpatterns = _routes("studio/courses/<slug:slug>/", "course") + _routes("studio/tracks/<slug:slug>/", "track")
