"""Staff campaign pages: /manage/campaigns/..."""
from django.urls import path

from . import views_manage as views
from . import views_scholarships

app_name = "crowdfunding_manage"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("settings/", views.settings_page, name="settings"),
    path("<slug:slug>/", views.campaign_detail, name="campaign"),
    path("<slug:slug>/tiers/", views.tier_add, name="tier-add"),
    path("<slug:slug>/tiers/<uuid:public_id>/close", views.tier_close, name="tier-close"),
    path("<slug:slug>/stretch-goals/", views.stretch_goal_add, name="stretch-goal-add"),
    path("<slug:slug>/faq/", views.faq_add, name="faq-add"),
    path("<slug:slug>/updates/", views.update_add, name="update-add"),
    path("<slug:slug>/backers.csv", views.backers_csv, name="backers-csv"),
    path("<slug:slug>/backers-exports/", views.backers_export_start, name="backers-export-start"),
    path("<slug:slug>/backers-exports/<uuid:public_id>/", views.backers_export_status, name="backers-export"),
    path("<slug:slug>/backers-exports/<uuid:public_id>/download", views.backers_export_download,
         name="backers-export-download"),
    path("<slug:slug>/state", views.campaign_state, name="state"),
    path("<slug:slug>/scholarships/", views_scholarships.manage_page, name="scholarships"),
    path("<slug:slug>/scholarships/seats/<uuid:public_id>/award", views_scholarships.seat_award,
         name="scholarship-seat-award"),
    path("<slug:slug>/scholarships/applications/<uuid:public_id>/decide", views_scholarships.application_decide,
         name="scholarship-application-decide"),
]
