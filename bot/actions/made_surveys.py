"""Surveys the bot makes itself (a priorities round, a joint review): kept in the database and
served beside the bundled ones, so a check-in of one reads like any other."""

from __future__ import annotations

from collections.abc import Mapping

from bot.services import Services
from flows.survey import Survey
from storage.base import StorageError, Store


async def with_made_surveys(store: Store, bundled: Mapping[str, Survey]) -> dict[str, Survey]:
    """The bundled surveys plus every survey the bot made (a bundled id wins a clash)."""
    made = {
        survey_id: Survey.model_validate_json(body)
        for survey_id, (_, body) in (await store.made_surveys()).items()
    }
    return {**made, **bundled}


async def keep_made_survey(svc: Services, survey: Survey, kind: str) -> None:
    """Keep a survey the bot made and serve it from now on. Its id must be new."""
    if survey.id in svc.surveys:
        raise StorageError(f"a survey with the id {survey.id!r} already exists")
    if not await svc.store.save_made_survey(
        survey.id, kind, survey.model_dump_json(by_alias=True, exclude_none=True)
    ):
        raise StorageError(f"a survey with the id {survey.id!r} already exists")
    svc.surveys[survey.id] = survey
