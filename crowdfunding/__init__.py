"""Crowdfunding (campaigns, reward tiers, pledges, settlement): a product app beside `lms`.

Empty until the crowdfunding issue lands; it exists now so the import contracts
(.importlinter) already hold it independent of `lms` and above the platform apps.
"""
