"""Keeps the storage contract suite backend-neutral: public protocol members only, no sqlite3.

Only ``conftest.py`` (which builds the backends) and ``test_sqlite_file.py`` may know SQLite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONTRACT = sorted([HERE / "contract.py", *HERE.glob("test_contract_*.py")])


def test_the_contract_suite_has_files() -> None:
    """The rules below check something: the contract files are where they are expected."""
    assert len(CONTRACT) >= 5, CONTRACT


def _is_private(name: str) -> bool:
    """``_name`` is private; ``__dunder__`` (such as an exception's ``__cause__``) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("path", CONTRACT, ids=lambda p: p.name)
def test_contract_uses_no_private_member_and_no_sqlite(path: Path) -> None:
    """A contract file reads no ``obj._private`` attribute, imports neither sqlite3 nor
    aiosqlite nor a backend module, so any backend can run it unchanged."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and _is_private(node.attr)
    ]
    assert not private, f"{path.name} uses private members: {private}"
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    banned = {name for name in imported if name.split(".")[0] in {"sqlite3", "aiosqlite"}}
    banned |= {
        name
        for name in imported
        if name.startswith("storage.") and name not in {"storage.base", "storage.values"}
    }
    assert not banned, f"{path.name} imports {sorted(banned)}"
    assert "sqlite3" not in path.read_text(encoding="utf-8"), f"{path.name} mentions sqlite3"
