"""House rules on imports, read from the source: the app never imports the `leadscore` CLI (the CLI imports the
app), and production code never imports the sandbox CRMs, which only the demo and sandbox commands serve."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_COMMANDS = {"connector/cli/demo.py", "connector/cli/demo_days.py", "connector/cli/sandbox.py", "connector/cli/sandbox_hubspot.py",
                    "connector/cli/sandbox_salesforce.py", "connector/cli/sandbox_serving.py"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            package = path.relative_to(ROOT).parent.parts[: len(path.relative_to(ROOT).parent.parts) - node.level + 1]
            names.add(".".join((*package, node.module or "")).rstrip("."))
    return names


def _sources(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _offenders(paths, forbidden: str) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}" for path in paths for name in sorted(_imports(path))
            if name == forbidden or name.startswith(forbidden + ".")]


def test_nothing_outside_the_cli_imports_the_cli():
    paths = [p for p in _sources("connector", "workers", "scoring") if "connector/cli/" not in p.as_posix()]
    assert _offenders(paths, "connector.cli") == []


def test_production_code_does_not_import_the_sandboxes():
    paths = [p for p in _sources("connector", "workers", "scoring")
             if "connector/sandbox/" not in p.as_posix() and p.relative_to(ROOT).as_posix() not in SANDBOX_COMMANDS]
    assert _offenders(paths, "connector.sandbox") == []
