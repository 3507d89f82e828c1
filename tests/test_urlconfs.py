"""URLconfs carry no leftovers from the build-out: no hand-over notes, no empty route lists."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFTOVER = re.compile(r"#.*\b(owned by|engineer|add .* here|todo|fixme|placeholder|stub)\b", re.IGNORECASE)
EMPTY_ROUTES = re.compile(r"urlpatterns\s*\+?=\s*\[\s*\]")


def _urlconfs():
    for path in sorted(ROOT.glob("**/*urls*.py")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            yield path


def test_urlconfs_have_no_placeholder_comments_or_empty_route_lists():
    files = list(_urlconfs())
    assert len(files) >= 10
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
             for n, line in enumerate(p.read_text().splitlines(), 1) if LEFTOVER.search(line)]
    found += [str(p.relative_to(ROOT)) for p in files if EMPTY_ROUTES.search(p.read_text())]
    assert not found, found
