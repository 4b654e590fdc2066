"""Looking after yourself: /pause (a break from every message the bot starts), /resume, and
/mydata (what is held about you, in plain words). Each returns what to show, as data the door
renders in the person's language.
"""

from __future__ import annotations

from datetime import date, datetime

from bot import keys
from bot.actions.button_data import Pause, encode
from bot.actions.people import Shown, join_first, refuse, tell
from bot.services import Services
from flows.schedule import format_date
from flows.texts import Buttons, Text, lines, message
from storage.base import PAUSED_FOREVER, ContactStatus, PersonData

# The pause buttons: days (0: until they say; -1: keep messages coming).
PAUSES = {7: "pause_week", 30: "pause_month", 0: "pause_forever"}
KEEP = -1
DAY = 24 * 3600.0
LANGUAGES = {"en": "English", "cy": "Cymraeg"}


# A /pause question pressed later than this is old: nothing changes, they are asked to choose
# again (their plans may have changed since).
QUESTION_LIFE = DAY


def pause_buttons(was: float | None, asked: float) -> Buttons:
    """The choices, each carrying the pause as it stood (``was``) and when it was ``asked``."""
    was_at, asked_at = _stamp(was), int(asked)
    rows: Buttons = [
        [{"text": message(key), "data": encode(Pause(days, was_at, asked_at))}]
        for days, key in PAUSES.items()
    ]
    keep = encode(Pause(KEEP, was_at, asked_at))
    rows.append([{"text": message("pause_cancel"), "data": keep}])
    return rows


def _stamp(until: float | None) -> int | None:
    return None if until is None else int(until)


async def ask_pause(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/pause: how long for (buttons); only someone who joined has messages to pause."""
    contact = await svc.store.contact(chat_id)
    if contact is None or contact.status is not ContactStatus.JOINED:
        return await tell(svc, update_id, join_first(svc, contact), contact)
    was = await svc.store.paused_until(chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    return Shown(contact.locale, [(message("pause_ask"), pause_buttons(was, svc.now()))])


async def choose_pause(svc: Services, chat_id: int, press: Pause, update_id: int) -> Shown | None:
    """A pause button: hold every message the bot starts until then (or keep them coming).
    A button on a question answered since (their pause changed) or older than a day
    changes nothing: they hear so, and how to choose again."""
    contact = await svc.store.contact(chat_id)
    days = press.days
    if contact is None or contact.status is not ContactStatus.JOINED or days not in {*PAUSES, KEEP}:
        return await refuse(svc, update_id, "button_expired", contact)
    paused = await svc.store.paused_until(chat_id)
    if _stamp(paused) != press.was:
        return await tell(svc, update_id, "pause_answered", contact)
    if svc.now() - press.asked > QUESTION_LIFE:
        return await tell(svc, update_id, "pause_old", contact)
    if days == KEEP:
        if paused is None or paused <= svc.now():
            return await tell(svc, update_id, "pause_kept", contact)
        return await resume(svc, chat_id, update_id)  # "keep them coming" while paused
    until = PAUSED_FOREVER if days == 0 else svc.now() + days * DAY
    if not await svc.store.set_pause(chat_id, until, update_id):
        return None
    return Shown(contact.locale, [(paused_words(svc, until), [])])


def paused_words(svc: Services, until: float) -> Text:
    if until >= PAUSED_FOREVER:
        return message("paused_open")
    return message("paused_until", day=_day(svc, until))


async def resume(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/resume: messages on again; anything held goes out now, unless it lapsed meanwhile."""
    contact = await svc.store.contact(chat_id)
    paused = await svc.store.paused_until(chat_id)
    if contact is None or paused is None or paused <= svc.now():
        return await tell(svc, update_id, "not_paused", contact)
    if not await svc.store.set_pause(chat_id, None, update_id):
        return None
    return Shown(contact.locale, [(message("resumed"), [])])


async def my_data(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/mydata: everything held about them, in plain words, and how to delete it."""
    links = [keys.link(svc.key, c.id, chat_id) for c in await svc.store.checkins()]
    held = await svc.store.person_data(chat_id, links)
    if held is None:
        return await tell(svc, update_id, "mydata_nothing", None)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    return Shown(held.language, [(_described(svc, held), [])])


def _described(svc: Services, held: PersonData) -> Text:
    described = _kept(svc, held)
    if not held.waiting:
        return described
    # Finished, but not yet released with others' answers: still theirs, so said plainly.
    waiting = ", ".join(_titles(svc, held.waiting))
    return lines(described, "", message("mydata_waiting", checkins=waiting))


def _titles(svc: Services, survey_ids: tuple[str, ...]) -> list[str]:
    return [svc.surveys[s].title if s in svc.surveys else s for s in survey_ids]


def _kept(svc: Services, held: PersonData) -> Text:
    surveys = _titles(svc, held.unfinished)
    meetings = [
        message(
            "mydata_meeting",
            title=m.title,
            answer=message(f"meeting_{m.answer.value}" if m.answer else "mydata_meeting_no_answer"),
        )
        for m in held.meetings
    ]
    return message(
        "mydata",
        group=held.cohort_name or message("mydata_no_group"),
        language=LANGUAGES.get(held.language, held.language),
        joined=format_date(date.fromisoformat(held.joined_on)),
        messages=_messages(svc, held),
        unfinished=", ".join(surveys) if surveys else message("mydata_none"),
        meetings=lines(*meetings) if meetings else message("mydata_none"),
    )


def _messages(svc: Services, held: PersonData) -> Text:
    if held.status is not ContactStatus.JOINED:
        return message("mydata_messages_stopped")
    if held.paused_until is None or held.paused_until <= svc.now():
        return message("mydata_messages_on")
    if held.paused_until >= PAUSED_FOREVER:
        return message("mydata_messages_paused_open")
    return message("mydata_messages_paused", day=_day(svc, held.paused_until))


def _day(svc: Services, when: float) -> str:
    return format_date(datetime.fromtimestamp(when, svc.settings.zone).date())
