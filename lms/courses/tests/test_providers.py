"""Optional-app providers: a missing app is skipped, an import error inside an existing provider raises."""
import sys
import uuid
from types import SimpleNamespace

import pytest

from lms.courses import content, selectors


@pytest.fixture
def packages(tmp_path, monkeypatch):
    """Real modules on disk: <pkg>.good, <pkg>.broken (imports a module that does not exist) and
    <pkg>.shadowed (imports a module whose name is a string prefix of the package's name)."""
    pkg = f"provpkg_{uuid.uuid4().hex[:8]}"
    root = tmp_path / pkg
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "good.py").write_text("def deadlines(user):\n    return []\n")
    (root / "broken.py").write_text("import a_dependency_nobody_installed_7f3a  # noqa\n")
    (root / "shadowed.py").write_text(f"import {pkg[:-2]}  # noqa\n")  # e.g. `lms.quiz` for lms.quizzes
    monkeypatch.syspath_prepend(str(tmp_path))
    yield pkg
    for name in [m for m in sys.modules if m.startswith(pkg)]:
        del sys.modules[name]


def test_a_missing_dashboard_provider_leaves_its_section_empty(packages, monkeypatch):
    monkeypatch.setattr(selectors.dashboard, "DASHBOARD_PROVIDERS", {
        "deadlines": [f"{packages}.good.deadlines", f"{packages}.not_written_yet.deadlines"], "grades": [],
    })
    assert selectors.dashboard_sections(SimpleNamespace(is_authenticated=True)) == {"deadlines": [], "grades": []}


def test_a_missing_optional_app_or_module_is_skipped(packages):
    assert content.import_optional("an_app_that_is_not_installed_7f3a.publishing") is None
    assert content.import_optional(f"{packages}.not_written_yet") is None
    assert content.import_optional(f"{packages}.good").deadlines(None) == []


@pytest.mark.parametrize("module", ["broken", "shadowed"])
def test_an_import_error_inside_an_existing_provider_raises(packages, module):
    with pytest.raises(ModuleNotFoundError):
        content.import_optional(f"{packages}.{module}")


@pytest.mark.parametrize("module", ["broken", "shadowed"])
def test_publishing_provider_with_an_import_error_raises(packages, monkeypatch, module):
    monkeypatch.setitem(content.PROVIDERS, "quiz", f"{packages}.{module}")
    with pytest.raises(ModuleNotFoundError):
        content.provider_for("quiz")
    monkeypatch.setitem(content.PROVIDERS, "quiz", f"{packages}.not_written_yet")
    assert content.provider_for("quiz") is None


@pytest.mark.parametrize("module", ["broken", "shadowed"])
def test_dashboard_provider_with_an_import_error_raises(packages, monkeypatch, module):
    monkeypatch.setattr(selectors.dashboard, "DASHBOARD_PROVIDERS", {
        "deadlines": [f"{packages}.good.deadlines", f"{packages}.{module}.deadlines"], "grades": [],
    })
    with pytest.raises(ModuleNotFoundError):
        selectors.dashboard_sections(SimpleNamespace(is_authenticated=True))
