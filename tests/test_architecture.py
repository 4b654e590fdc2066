"""The layout rules from STYLE.md, checked: imports go one way, telegram stays in bot/telegram,
click in bot/cli, and the use cases in bot/actions import no transport."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Which of our packages each package may import.
ALLOWED = {"flows": {"flows"}, "storage": {"storage", "flows"}, "bot": {"bot", "flows", "storage"}}
OURS = {"bot", "flows", "storage"}


def python_files(folder: str) -> list[Path]:
    """Every module under a folder of the repository; a rule that checks none fails."""
    paths = sorted((ROOT / folder).rglob("*.py"))
    assert paths, f"no Python files under {folder}: the rule would check nothing"
    return paths


def imported_modules(tree: ast.AST) -> set[str]:
    """Every absolute module name a module imports (``from a.b import c`` gives a.b and a.b.c)."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {module.split(".")[0] for module in imported_modules(tree)}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_go_one_way(package: str) -> None:
    """flows imports none of ours, storage only flows, bot anything."""
    paths = python_files(package)
    for path in paths:
        roots = imported_roots(path)
        assert (roots & OURS) <= ALLOWED[package], (
            f"{path.relative_to(ROOT)} imports {roots & OURS}"
        )


# Where each outside library may be imported: telegram only by the Telegram adapter, click only
# by the command line. The use cases in bot/actions import neither.
CONFINED = {"telegram": ["bot/telegram"], "click": ["bot/cli"]}


@pytest.mark.parametrize("library", sorted(CONFINED))
def test_outside_libraries_stay_in_their_folder(library: str) -> None:
    """Only bot/telegram imports telegram, and only bot/cli imports click."""
    homes = [ROOT / home for home in CONFINED[library]]
    checked = 0
    for package in sorted(OURS):
        for path in python_files(package):
            checked += 1
            if any(path.is_relative_to(home) for home in homes):
                continue
            assert library not in imported_roots(path), (
                f"{path.relative_to(ROOT)} imports {library}"
            )
    assert checked > 40, f"only {checked} files checked: has the layout moved?"


def test_actions_import_no_transport() -> None:
    """The use cases are transport-free: bot/actions imports neither telegram nor click, nor
    the Telegram adapter, the command line or the runtime loops."""
    paths = python_files("bot/actions")
    assert len(paths) >= 3, "bot/actions holds the use cases; none found"
    doors = {"bot.telegram", "bot.cli", "bot.runtime"}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = imported_modules(tree)
        assert not modules & {"telegram", "click"}, f"{path.relative_to(ROOT)}: {modules}"
        assert not any(m.startswith(tuple(doors)) for m in modules), (
            f"{path.relative_to(ROOT)} imports a door: {sorted(modules)}"
        )


def test_emulator_stands_alone() -> None:
    """The Bot API emulator imports neither telegram nor our other packages."""
    for path in python_files("bot/emulator"):
        roots = imported_roots(path)
        assert not roots & {"telegram", "flows", "storage"}, f"{path.name} imports {roots}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_every_module_says_what_it_is_for(package: str) -> None:
    """Each module opens with a docstring on its job."""
    for path in python_files(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the same install-and-test command the README gives newcomers."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in readme and "pytest" in readme
    assert "pip install -e '.[test]' && pytest" in ci


FOLDERS = (
    "flows",
    "storage",
    "bot/actions",
    "bot/telegram",
    "bot/runtime",
    "bot/cli",
    "bot/reports",
)


def architecture_rows() -> dict[str, str]:
    """The README's architecture table, by its first cell; a folder named twice fails."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    start = lines.index("| folder | owns |") + 2
    rows: dict[str, str] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        first, owns = line.strip("|").split(" | ", 1)
        key = first.strip()
        assert key not in rows, f"the README's architecture table names {key} twice"
        rows[key] = owns
    return rows


def test_the_readme_names_each_folder_once_and_each_module_in_it() -> None:
    """Regression: merged branches each added their own copy of six folders' rows, so the
    table said some things twice and each copy missed the modules the other named. Now one
    row per folder names every module in it (or another row names it by its path)."""
    rows = architecture_rows()
    table = "\n".join(rows.values())
    for folder in FOLDERS:
        owns = rows[f"`{folder}/`"]
        for path in sorted((ROOT / folder).glob("*.py")):
            named = f"`{path.name}`" in owns or f"`{folder}/{path.name}`" in table
            if path.name != "__init__.py":
                assert named, f"{folder}/{path.name} is not in the README's architecture table"
