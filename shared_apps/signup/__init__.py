"""The public site (public schema): landing page and "Start your institution" sign-up.

It composes the tenancy core (provisioning) with billing (the plan chosen), which is why it
lives here and not in `tenants/`.
"""
