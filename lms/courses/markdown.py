"""Course descriptions and text items: the platform's one Markdown renderer (tenants.api)."""
from tenants.api import render_markdown

__all__ = ["render_markdown"]
