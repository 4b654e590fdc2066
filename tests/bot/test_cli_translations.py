"""The ``youthvoice translations`` commands: check and update the Welsh and easy-read
catalogues."""

from __future__ import annotations

from pathlib import Path

from flows.messages import ENGLISH
from tests.conftest import run


def test_the_translations_commands_check_and_update_a_folder(tmp_path: Path) -> None:
    """'youthvoice translations update' writes every catalogue into the folder; 'check' then
    lists every untranslated Welsh message and exits 1; the bundled ones are fine."""
    updated = run({}, "translations", "update", "--folder", str(tmp_path))
    assert updated.exit_code == 0, updated.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cy.po",
        "cy@easyread.po",
        "en@easyread.po",
    ]
    checked = run({}, "translations", "check", "--folder", str(tmp_path))
    assert checked.exit_code == 1
    assert f"cy.po: '{next(iter(ENGLISH))}': not translated yet" in checked.output
    bundled = run({}, "translations", "check")
    assert bundled.exit_code == 0, bundled.output
