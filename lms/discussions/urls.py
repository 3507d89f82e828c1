"""Discussion pages: the course's members under /learn/<slug>/discussions/, the staff's under /studio/courses/<slug>/discussions/."""
from django.urls import path

from . import views

app_name = "discussions"

LEARN = "learn/<slug:slug>/discussions/"
STUDIO = "studio/courses/<slug:slug>/discussions/"

urlpatterns = [
    path(LEARN, views.forums, name="forums"),
    path(LEARN + "search", views.search, name="search"),
    path(LEARN + "forums/<uuid:forum_uuid>/", views.forum, name="forum"),
    path(LEARN + "forums/<uuid:forum_uuid>/new", views.thread_new, name="thread-new"),
    path(LEARN + "threads/<uuid:thread_uuid>/", views.thread, name="thread"),
    path(LEARN + "threads/<uuid:thread_uuid>/reply", views.reply, name="reply"),
    path(LEARN + "threads/<uuid:thread_uuid>/subscription", views.subscription, name="subscription"),
    path(LEARN + "threads/<uuid:thread_uuid>/answer", views.answer, name="answer"),
    path(LEARN + "threads/<uuid:thread_uuid>/flags", views.thread_flags, name="thread-flags"),
    path(LEARN + "posts/<uuid:post_uuid>/vote", views.vote, name="vote"),
    path(LEARN + "posts/<uuid:post_uuid>/report", views.report, name="report"),
    path(LEARN + "posts/<uuid:post_uuid>/moderate", views.post_moderate, name="moderate"),
    path(STUDIO, views.staff_forums, name="staff-forums"),
    path(STUDIO + "forums/<uuid:forum_uuid>/", views.staff_forum, name="staff-forum"),
    path(STUDIO + "forums/<uuid:forum_uuid>/grades", views.staff_grades, name="staff-grades"),
    path(STUDIO + "moderation/", views.staff_moderation, name="staff-moderation"),
    path(STUDIO + "reports/<uuid:report_uuid>", views.staff_report, name="staff-report"),
]
