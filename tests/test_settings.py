"""Production-safe defaults: the settings module, imported with a clean environment."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import config.settings as s; print(s.DEBUG, s.SECRET_KEY.startswith('dev-only'))"


def _import_settings(**env) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_without_any_environment_the_settings_refuse_to_start_without_a_secret_key():
    result = _import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_set():
    result = _import_settings(SECRET_KEY="a-real-secret-for-this-test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_debug_on_when_asked_and_only_then_the_dev_secret_key():
    result = _import_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_the_run_command_turns_debug_on_unless_told_otherwise():
    from config.devstack import child_env

    assert child_env(8123, base={"PATH": "/bin"})["DEBUG"] == "1"
    assert child_env(8123, base={"PATH": "/bin", "DEBUG": "0"})["DEBUG"] == "0"
    env = child_env(8123, base={"PATH": "/bin"})
    env.pop("DJANGO_SETTINGS_MODULE")
    result = _import_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
