"""Surveys the bot makes (bot.actions.made_surveys): kept in the database, served at once, and
loaded again with the bundled ones when the bot starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.actions.made_surveys import keep_made_survey, with_made_surveys
from bot.services import Services
from flows.survey import Survey, load_surveys
from storage.base import StorageError
from storage.sqlite import SqliteStore
from tests.conftest import Clock, make_settings

pytestmark = pytest.mark.timeout(30)

MADE = {
    "schema_version": 1,
    "id": "priorities_1",
    "title": "What matters most",
    "intro": "Pick up to three things.",
    "thanks": "Thank you.",
    "questions": [
        {
            "id": "pick",
            "type": "multi",
            "text": "What should change first?",
            "options": [{"id": "money", "label": "Money"}, {"id": "home", "label": "Home"}],
        }
    ],
}


async def test_a_made_survey_is_served_now_and_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "yv.db"
    bundled = load_surveys()
    store = SqliteStore(path)
    await store.open()
    try:
        svc = Services(make_settings(tmp_path), store, dict(bundled), b"k" * 32, Clock())
        survey = Survey.model_validate(MADE)
        await keep_made_survey(svc, survey, "priorities")
        assert svc.surveys["priorities_1"] == survey
        with pytest.raises(StorageError):
            await keep_made_survey(svc, survey, "priorities")
        with pytest.raises(StorageError):  # a bundled id is never taken over
            await keep_made_survey(svc, bundled["weekly"], "review")
    finally:
        await store.close()
    store = SqliteStore(path)
    await store.open()
    try:
        loaded = await with_made_surveys(store, bundled)
    finally:
        await store.close()
    assert loaded["priorities_1"] == survey
    assert loaded["weekly"] == bundled["weekly"]
