from django.urls import path

from . import views

urlpatterns = [
    path("me/conversations", views.ConversationListApi.as_view(), name="api-my-conversations"),
    path("me/conversations/unread-count", views.UnreadApi.as_view(), name="api-my-conversations-unread"),
    path("me/conversations/<uuid:id>", views.ConversationApi.as_view(), name="api-my-conversation"),
    path("me/conversations/<uuid:id>/messages", views.MessageListApi.as_view(), name="api-my-conversation-messages"),
    path("me/conversations/<uuid:id>/read", views.ReadApi.as_view(), name="api-my-conversation-read"),
    path("me/conversations/<uuid:id>/mute", views.MuteApi.as_view(), name="api-my-conversation-mute"),
    path("me/messages/<uuid:id>/report", views.ReportApi.as_view(), name="api-my-message-report"),
    path("me/message-contacts", views.ContactsApi.as_view(), name="api-my-message-contacts"),
    path("me/message-blocks", views.BlockListApi.as_view(), name="api-my-message-blocks"),
    path("me/message-blocks/<uuid:id>", views.BlockApi.as_view(), name="api-my-message-block"),
]
