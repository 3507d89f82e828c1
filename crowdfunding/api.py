"""Front door of `crowdfunding`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md. Settlement (charging active
pledges off-session at the deadline) builds on these. Scholarship campaigns fund seats in
whatever registers a seat target here (`seat_target_register`; the LMS does, through the
`integrations` package: docs/decisions/0014-scholarship-campaigns.md).
"""
from .models import Campaign, CrowdfundingSettings, Pledge, RewardTier
from .seats import SeatTarget, SeatTargetProvider, seat_target_register
from .selectors import campaign_totals, pledges_of_backer
from .services import PLEDGE_KIND, campaign_conclude, minimum_pledge, settings_get

__all__ = [
    "Campaign",
    "CrowdfundingSettings",
    "PLEDGE_KIND",
    "Pledge",
    "RewardTier",
    "SeatTarget",
    "SeatTargetProvider",
    "campaign_conclude",
    "campaign_totals",
    "minimum_pledge",
    "pledges_of_backer",
    "seat_target_register",
    "settings_get",
]
