"""Apps depend one way: portal ← accounts ← complaints ← reporting ← demo.

Each app may import the apps before it in ``LAYERS`` and none after it: portal (infrastructure) imports no app,
accounts nothing from complaints, reporting or demo, and so on; and no app imports the tests (a management command
that needs them would fail wherever the portal is installed without its tests). Every ``import`` statement counts,
wherever it is (module level, inside a function, under ``TYPE_CHECKING``, in a migration); a dotted path in a string
(settings, ``include("accounts.urls")``, ``default_site``) is not an import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["portal", "accounts", "complaints", "reporting", "demo"]


def imported_modules(source: str, filename: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the source; relative imports stay inside their package."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def upward_imports(root: Path) -> list[str]:
    """``path:line`` of each import of an app that comes later in LAYERS, or of the tests, with what it imports."""
    problems = []
    for position, app in enumerate(LAYERS):
        later = {*LAYERS[position + 1 :], "tests"}
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for line, module in imported_modules(path.read_text(encoding="utf-8"), relative):
                if module.split(".")[0] in later:
                    problems.append(f"{relative}:{line} imports {module}")
    return problems


def test_each_app_imports_only_the_apps_below_it():
    problems = upward_imports(ROOT)
    assert not problems, (
        "Apps depend one way (" + " ← ".join(LAYERS) + "); these go the other way:\n" + "\n".join(problems)
    )


def test_every_app_of_the_layers_is_checked():
    for app in LAYERS:
        assert (ROOT / app / "apps.py").is_file(), app


def test_the_check_finds_upward_imports_wherever_they_are(tmp_path):
    """It can fail: imports at any depth are found; strings, relative imports and downward imports are not."""
    files = {
        "portal/admin_apps.py": 'default_site = "accounts.admin_site.PortalAdminSite"\nfrom . import forms\n',
        "portal/urls.py": "def view():\n    from accounts.views import password\n",
        "accounts/forms.py": "import portal.forms\nfrom complaints.models import ProviderType\n",
        "accounts/migrations/0001_initial.py": "from django.db import migrations\n",
        "complaints/services.py": "from accounts.models import User\nif True:\n    import reporting.services\n",
        "reporting/models.py": "from complaints.models import Complaint\n",
        "demo/complaints.py": "from reporting.services import report_snapshot_refresh\n",
        "reporting/management/commands/report.py": "def handle():\n    from tests.reporting import realistic\n",
    }
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    assert upward_imports(tmp_path) == [
        "portal/urls.py:2 imports accounts.views",
        "accounts/forms.py:2 imports complaints.models",
        "complaints/services.py:3 imports reporting.services",
        "reporting/management/commands/report.py:2 imports tests.reporting",
    ]
