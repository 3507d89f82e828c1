"""/api/v1/ routes of course discussions."""
from django.urls import path

from . import views

BASE = "courses/<slug:slug>/discussions/"

urlpatterns = [
    path(BASE + "forums", views.ForumListApi.as_view(), name="api-discussion-forums"),
    path(BASE + "forums/<uuid:forum_uuid>", views.ForumApi.as_view(), name="api-discussion-forum"),
    path(BASE + "forums/<uuid:forum_uuid>/threads", views.ThreadListApi.as_view(), name="api-discussion-threads"),
    path(BASE + "forums/<uuid:forum_uuid>/grades", views.GradeListApi.as_view(), name="api-discussion-grades"),
    path(BASE + "search", views.SearchApi.as_view(), name="api-discussion-search"),
    path(BASE + "threads/<uuid:thread_uuid>", views.ThreadApi.as_view(), name="api-discussion-thread"),
    path(BASE + "threads/<uuid:thread_uuid>/replies", views.ReplyCreateApi.as_view(), name="api-discussion-replies"),
    path(BASE + "threads/<uuid:thread_uuid>/answer", views.AnswerApi.as_view(), name="api-discussion-answer"),
    path(BASE + "threads/<uuid:thread_uuid>/subscription", views.SubscriptionApi.as_view(), name="api-discussion-subscription"),
    path(BASE + "posts/<uuid:post_uuid>/vote", views.VoteApi.as_view(), name="api-discussion-vote"),
    path(BASE + "posts/<uuid:post_uuid>/report", views.ReportCreateApi.as_view(), name="api-discussion-report"),
    path(BASE + "posts/<uuid:post_uuid>/moderate", views.ModerateApi.as_view(), name="api-discussion-moderate"),
    path(BASE + "reports", views.ReportListApi.as_view(), name="api-discussion-reports"),
    path(BASE + "reports/<uuid:report_uuid>", views.ReportApi.as_view(), name="api-discussion-report-resolve"),
]
