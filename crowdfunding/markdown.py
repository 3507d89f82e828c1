"""Campaign stories: the platform's one Markdown renderer (tenants.api); the page owns the <h1>."""
from functools import partial

from tenants.api import render_markdown as _render

render_markdown = partial(_render, min_heading=2)

__all__ = ["render_markdown"]
