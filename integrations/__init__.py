"""Where two product apps that may not import each other meet (one floor above `lms` and `crowdfunding`).

Each module here wires one app's registry to another app's front door, and nothing else:
see docs/decisions/0014-scholarship-campaigns.md.
"""
