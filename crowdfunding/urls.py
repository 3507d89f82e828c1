"""Backers' pages on an institution's site: /campaigns/..."""
from django.urls import path

from . import views, views_scholarships

app_name = "crowdfunding"

urlpatterns = [
    path("", views.index, name="index"),
    path("my-pledges/", views.my_pledges, name="my-pledges"),
    path("my-pledges/<uuid:public_id>/", views.pledge_page, name="pledge"),
    path("my-pledges/<uuid:public_id>/cancel", views.pledge_cancel, name="pledge-cancel"),
    path("my-pledges/<uuid:public_id>/pay/", views.pledge_pay, name="pledge-pay"),
    path("<slug:slug>/", views.campaign_page, name="campaign"),
    path("<slug:slug>/pledge/", views.pledge_new, name="pledge-new"),
    path("<slug:slug>/scholarship/", views_scholarships.apply, name="scholarship-apply"),
    path("<slug:slug>/comments/", views.comment_add, name="comment-add"),
    path("<slug:slug>/comments/<uuid:public_id>/moderate", views.comment_moderation, name="comment-moderate"),
]
