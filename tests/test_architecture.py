"""The layout rules from STYLE.md, checked: imports go one way and only bot/ imports telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Which of our packages each package may import.
ALLOWED = {"flows": {"flows"}, "storage": {"storage", "flows"}, "bot": {"bot", "flows", "storage"}}
OURS = {"bot", "flows", "storage"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_go_one_way(package: str) -> None:
    """flows imports none of ours, storage only flows, bot anything; only bot imports telegram."""
    for path in sorted((ROOT / package).rglob("*.py")):
        roots = imported_roots(path)
        assert (roots & OURS) <= ALLOWED[package], (
            f"{path.relative_to(ROOT)} imports {roots & OURS}"
        )
        if package != "bot":
            assert "telegram" not in roots, f"{path.relative_to(ROOT)} imports telegram"


def test_emulator_stands_alone() -> None:
    """The Bot API emulator imports neither telegram nor our other packages."""
    for path in sorted((ROOT / "bot" / "emulator").rglob("*.py")):
        roots = imported_roots(path)
        assert not roots & {"telegram", "flows", "storage"}, f"{path.name} imports {roots}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_every_module_says_what_it_is_for(package: str) -> None:
    """Each module opens with a docstring on its job."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the same install-and-test command the README gives newcomers."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in readme and "pytest" in readme
    assert "pip install -e '.[test]' && pytest" in ci
