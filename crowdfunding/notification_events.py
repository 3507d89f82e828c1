"""The crowdfunding events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    campaign = {"title": "New lab", "slug": "new-lab"}
    pledge = {"public_id": "ID", "status_note": "The card was declined."}
    event_register("pledge_collected", title="Pledge collected", category="crowdfunding", default="all", mandatory=True,
                   sample={"campaign": campaign, "pledge": pledge, "amount": "€25.00",
                           "campaign_url": "https://example.org/campaigns/new-lab/"})
    event_register("pledge_failed", title="Pledge payment failed", category="crowdfunding", default="all",
                   mandatory=True, sample={"campaign": campaign, "pledge": pledge, "amount": "€25.00",
                                           "campaign_url": "https://example.org/campaigns/new-lab/",
                                           "pay_url": "https://example.org/campaigns/my-pledges/ID/pay/"})
    event_register("enrollment_scholarship", title="Scholarship awarded", category="course", default="all",
                   sample={"campaign": campaign, "learner": {"first_name": "Ada", "email": "ada@example.org"}, "target_title": "Analytical Engines",
                           "target_url": "https://example.org/courses/engines/"})
    event_register("pledge_authenticate", title="Confirm your pledge payment", category="crowdfunding", default="all",
                   mandatory=True, sample={"campaign": campaign, "pledge": pledge, "amount": "€25.00",
                                           "campaign_url": "https://example.org/campaigns/new-lab/",
                                           "pay_url": "https://example.org/campaigns/my-pledges/ID/pay/"})
    event_register("campaign_failed", title="Campaign did not reach its goal (pledge cancelled)", category="crowdfunding",
                   default="all", mandatory=True, sample={"campaign": campaign, "pledge": pledge, "amount": "€25.00",
                                                          "campaign_url": "https://example.org/campaigns/new-lab/"})
    event_register("deadline_extended", title="Campaign deadline extended", category="crowdfunding", default="all",
                   sample={"campaign": campaign, "url": "https://example.org/campaigns/new-lab/",
                           "deadline": "30 June 2026, 18:00 CEST"})
    event_register("campaign_update", title="Update on a campaign you back", category="crowdfunding", default="all",
                   sample={"campaign": campaign, "update": {"title": "We ordered the parts", "body": "Thank you all."},
                           "body_html": "<p>Thank you all.</p>",
                           "url": "https://example.org/campaigns/new-lab/#update-ID"})
