from django.urls import path

from . import views

urlpatterns = [
    path("campaigns", views.CampaignListApi.as_view(), name="api-campaigns"),
    path("campaigns/<slug:slug>", views.CampaignDetailApi.as_view(), name="api-campaign"),
    path("campaigns/<slug:slug>/state", views.CampaignStateApi.as_view(), name="api-campaign-state"),
    path("campaigns/<slug:slug>/settlement", views.CampaignSettlementApi.as_view(), name="api-campaign-settlement"),
    path("campaigns/<slug:slug>/tiers", views.TierListApi.as_view(), name="api-campaign-tiers"),
    path("campaigns/<slug:slug>/tiers/<uuid:id>/close", views.TierCloseApi.as_view(), name="api-campaign-tier-close"),
    path("campaigns/<slug:slug>/updates", views.UpdateListApi.as_view(), name="api-campaign-updates"),
    path("campaigns/<slug:slug>/backers-exports", views.BackersExportListApi.as_view(), name="api-campaign-exports"),
    path("campaigns/<slug:slug>/backers-exports/<uuid:id>", views.BackersExportDetailApi.as_view(),
         name="api-campaign-export"),
    path("campaigns/<slug:slug>/backers-exports/<uuid:id>/file", views.BackersExportFileApi.as_view(),
         name="api-campaign-export-file"),
    path("campaigns/<slug:slug>/pledges", views.PledgeCreateApi.as_view(), name="api-campaign-pledges"),
    path("campaigns/<slug:slug>/scholarships/seats", views.SeatListApi.as_view(), name="api-campaign-seats"),
    path("campaigns/<slug:slug>/scholarships/seats/<uuid:id>/award", views.SeatAwardApi.as_view(),
         name="api-campaign-seat-award"),
    path("campaigns/<slug:slug>/scholarships/applications", views.ApplicationListApi.as_view(),
         name="api-campaign-applications"),
    path("campaigns/<slug:slug>/scholarships/applications/<uuid:id>/decide", views.ApplicationDecideApi.as_view(),
         name="api-campaign-application-decide"),
    path("me/scholarship-applications", views.MyApplicationListApi.as_view(), name="api-my-scholarship-applications"),
    path("me/pledges", views.MyPledgeListApi.as_view(), name="api-my-pledges"),
    path("me/pledges/<uuid:id>", views.MyPledgeDetailApi.as_view(), name="api-my-pledge"),
    path("me/pledges/<uuid:id>/cancel", views.MyPledgeCancelApi.as_view(), name="api-my-pledge-cancel"),
]
