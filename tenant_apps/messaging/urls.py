from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge", views.badge, name="badge"),
    path("new/", views.new_conversation, name="new"),
    path("blocks/", views.blocks, name="blocks"),
    path("blocks/<uuid:user_id>/remove", views.unblock, name="unblock"),
    path("attachments/<uuid:attachment_id>", views.attachment, name="attachment"),
    path("m/<uuid:message_id>/report", views.report, name="report"),
    path("<uuid:conversation_id>/", views.conversation, name="conversation"),
    path("<uuid:conversation_id>/send", views.send, name="send"),
    path("<uuid:conversation_id>/mute", views.mute, name="mute"),
]
