"""The security linter runs with the suite (so CI runs it too): bandit finds nothing in the application code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_nothing_in_the_application_code():
    paths = ["manage.py", "portal", "accounts", "complaints", "reporting", "demo"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            *paths,
            "-f",
            "custom",
            "--msg-template",
            "{relpath}:{line} {test_id} {msg}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_would_catch_a_problem(tmp_path):
    """The check above can fail: the same command flags a shell call built from input."""
    (tmp_path / "bad.py").write_text(
        "import subprocess\n\ndef run(name):\n    subprocess.call('ls ' + name, shell=True)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and "B602" in result.stdout
