"""Certificates and marksheets: rules per course/track, issuing, revocation, PDFs, verification."""
