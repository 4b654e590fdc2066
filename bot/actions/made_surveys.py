"""Surveys the bot makes itself (a priorities round, a joint review): kept in the database and
served beside the bundled ones, so a check-in of one reads like any other."""

from __future__ import annotations

from collections.abc import Mapping

from bot.services import Services
from flows.survey import Survey
from storage.base import StorageError, Store


async def _made(store: Store) -> dict[str, Survey]:
    return {
        survey_id: Survey.model_validate_json(body)
        for survey_id, (_, body) in (await store.made_surveys()).items()
    }


async def with_made_surveys(store: Store, bundled: Mapping[str, Survey]) -> dict[str, Survey]:
    """The bundled surveys plus every survey the bot made (a bundled id wins a clash)."""
    return {**await _made(store), **bundled}


async def keep_made_survey(svc: Services, survey: Survey, kind: str) -> None:
    """Keep a survey the bot made and serve it from now on. Its id must be new."""
    if survey.id in svc.surveys:
        raise StorageError(f"a survey with the id {survey.id!r} already exists")
    if not await svc.store.save_made_survey(
        survey.id, kind, survey.model_dump_json(by_alias=True, exclude_none=True)
    ):
        raise StorageError(f"a survey with the id {survey.id!r} already exists")
    svc.surveys[survey.id] = survey


async def knows(svc: Services, survey_id: str) -> bool:
    """Whether ``survey_id`` is served, learning surveys made since this process loaded them
    (a round opened from the command line while the bot runs) when it is not yet."""
    if survey_id in svc.surveys:
        return True
    for made_id, (_, body) in (await svc.store.made_surveys()).items():
        svc.surveys.setdefault(made_id, Survey.model_validate_json(body))
    return survey_id in svc.surveys


async def bundled(svc: Services) -> list[Survey]:
    """The surveys staff open check-ins of: the bundled ones, without those the bot made for a
    priorities round or a joint review (each is opened by its own command). A bundled survey
    whose id a made one also has is still offered: it is the one served."""
    made = await _made(svc.store)
    return [s for survey_id, s in svc.surveys.items() if made.get(survey_id) != s]
