"""Verifiable credentials: each institution's signing keys, signed W3C credentials, status lists."""
