"""Layering rules that import-linter cannot express with one contract."""

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[1] / "api"
SHARED = {"core", "models", "adapters"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_no_domain_imports_another_domains_repository() -> None:
    offenders = []
    for path in API.rglob("*.py"):
        domain = path.relative_to(API).parts[0]
        if domain in SHARED or path.parent == API:
            continue
        for module in _imports(path):
            parts = module.split(".")
            if (
                len(parts) >= 3
                and parts[0] == "api"
                and parts[1] != domain
                and parts[2] == "repository"
            ):
                offenders.append(f"{path.relative_to(API)} imports {module}")
    assert offenders == []


def test_environment_is_read_only_by_the_settings_module() -> None:
    needle = "os" + ".environ"  # spelled apart so this file does not match itself
    readers = [
        str(path.relative_to(API.parent))
        for path in API.parent.glob("**/*.py")
        if ".venv" not in path.parts
        and "node_modules" not in path.parts
        and needle in path.read_text(encoding="utf-8")
    ]
    assert readers == ["api/core/settings.py"]
