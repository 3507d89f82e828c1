"""Markdown to sanitised HTML, the one renderer every app uses (course descriptions and text
items, campaign stories, later announcements): Markdown "extra", then nh3 with an allow-list;
links get rel="noopener noreferrer nofollow", only http(s) and mailto URLs survive.

`min_heading` demotes headings (2: an author's `#` becomes <h2> where the page owns the <h1>).
"""
from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str, *, min_heading: int = 1) -> SafeString:
    tags = ALLOWED_TAGS - {f"h{n}" for n in range(1, min_heading)}
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=tags, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
