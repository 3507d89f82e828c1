"""Front door of `crowdfunding`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md. Settlement (charging active
pledges off-session at the deadline) builds on these.
"""
from .models import Campaign, CrowdfundingSettings, Pledge, RewardTier
from .selectors import campaign_totals, pledges_of_backer
from .services import PLEDGE_KIND, campaign_conclude, minimum_pledge, settings_get

__all__ = [
    "Campaign",
    "CrowdfundingSettings",
    "PLEDGE_KIND",
    "Pledge",
    "RewardTier",
    "campaign_conclude",
    "campaign_totals",
    "minimum_pledge",
    "pledges_of_backer",
    "settings_get",
]
