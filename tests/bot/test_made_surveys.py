"""Surveys the bot makes (bot.actions.made_surveys): kept in the database, served at once, and
loaded again with the bundled ones when the bot starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.actions import made_surveys
from bot.actions.made_surveys import keep_made_survey, knows, with_made_surveys
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


async def test_a_survey_made_by_another_process_is_learned_when_asked_for(tmp_path: Path) -> None:
    """The running bot loaded its surveys at start; a round made since (from the command line)
    is learned the first time a check-in of it is looked up, and an unknown id stays unknown."""
    path = tmp_path / "yv.db"
    bundled = load_surveys()
    running, command = SqliteStore(path), SqliteStore(path)
    await running.open()
    await command.open()
    try:
        bot = Services(make_settings(tmp_path), running, dict(bundled), b"k" * 32, Clock())
        cli = Services(make_settings(tmp_path), command, dict(bundled), b"k" * 32, Clock())
        await keep_made_survey(cli, Survey.model_validate(MADE), "priorities")
        assert "priorities_1" not in bot.surveys
        assert await knows(bot, "priorities_1")
        assert bot.surveys["priorities_1"].title == "What matters most"
        assert bot.surveys["weekly"] is bundled["weekly"]  # what it had is kept as it was
        assert not await knows(bot, "nothing_here")
    finally:
        await running.close()
        await command.close()


async def test_staff_are_offered_the_bundled_surveys_only(tmp_path: Path) -> None:
    """A round or a review the bot made is not a survey to open again by hand; a bundled
    survey is still offered when a made one has its id (the bundled one is served)."""
    bundled = load_surveys()
    store = SqliteStore(tmp_path / "yv.db")
    await store.open()
    try:
        clash = Survey.model_validate({**MADE, "id": "weekly"})
        assert await store.save_made_survey(
            "weekly", "review", clash.model_dump_json(by_alias=True, exclude_none=True)
        )
        served = await with_made_surveys(store, bundled)
        svc = Services(make_settings(tmp_path), store, served, b"k" * 32, Clock())
        await keep_made_survey(svc, Survey.model_validate(MADE), "priorities")
        offered = [survey.id for survey in await made_surveys.bundled(svc)]
    finally:
        await store.close()
    assert sorted(offered) == sorted(bundled)
