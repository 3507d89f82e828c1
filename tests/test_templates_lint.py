"""Template mistakes Django renders silently: a `{# … #}` comment spanning lines is printed as text."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_has_a_multi_line_short_comment():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{#(?!.*#\})", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == [], "use {% comment %}…{% endcomment %} for comments over several lines: " + ", ".join(offenders)
