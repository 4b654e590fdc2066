"""Taking part in a check-in, for one person: start it, carry on with it, answer its questions.

The Telegram handlers are doors onto these. Each call decides, writes once (with the update id,
so a repeated update changes nothing) and returns what to show: a ``Turn`` of engine effects,
a single message (``people.Shown``: a pop-up for a button press), or ``None`` when the update
was handled before and nothing is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import keys
from bot.actions import audience
from bot.actions.made_surveys import knows
from bot.actions.people import Shown, join_first, refuse, tell
from bot.services import Services
from flows import engine
from flows.engine import Effect, Event, Finish, Say, State
from storage.base import Checkin, CheckinView, Contact, ContactStatus

# How long the reply to a step has to reach the person before the delivery loop takes it as
# lost and shows them their question again (see ``bot.actions.replies``).
REPLY_GRACE = 30.0


@dataclass(frozen=True)
class Turn:
    """Engine effects to show for check-in ``checkin_id``, in ``language`` (the reader's
    language, with ``@easyread`` for easy read: ``flows.locales``). When a question is
    shown, the door reports its message with ``svc.shown.remember(link, question_id, ...)``.
    ``reply_due`` is set when the step was saved with a reply mark: the door reports the reply
    shown (``replies.shown``) or failed (``replies.failed``)."""

    checkin_id: int
    effects: list[Effect]
    language: str
    link: str
    question_id: str | None
    reply_due: float | None = None


Outcome = Turn | Shown | None

# A Start pressed again within this many seconds of its question being shown is a double tap:
# the question is still just below, so nothing new is sent. Later (or when the bot does not
# know when it was shown, after a restart) Start shows the question again.
DOUBLE_TAP_SECONDS = 30.0


async def press(
    svc: Services,
    chat_id: int,
    checkin_id: int,
    question_id: str,
    value: str,
    message_id: int | None,
    update_id: int,
) -> Outcome:
    """An answer button under a question: one read, the engine, one write."""
    link = keys.link(svc.key, checkin_id, chat_id)
    view = await svc.store.checkin_view(chat_id, checkin_id, link, audience.of_checkin)
    if view.checkin is not None:
        await knows(svc, view.checkin.survey_id)
    contact, refusal = _usable(svc, view, "button_expired")
    if refusal is not None or contact is None or view.checkin is None:
        return await refuse(svc, update_id, refusal or "button_expired", view.contact)
    if view.progress is None:
        key = "already_finished" if view.finished else "button_expired"
        return await refuse(svc, update_id, key, contact)
    state = svc.shown.apply(link, State.from_data(view.progress.state))
    event = engine.Press(question_id, value, message_id)
    return await _step(svc, view.checkin, contact, link, state, event, update_id)


async def start(svc: Services, chat_id: int, checkin_id: int, update_id: int) -> Outcome:
    """The Start button of an invitation or reminder: begin, or carry on where they were (a
    second press right after the question was shown only points to it)."""
    link = keys.link(svc.key, checkin_id, chat_id)
    view = await svc.store.checkin_view(chat_id, checkin_id, link, audience.of_checkin)
    if view.checkin is not None:
        await knows(svc, view.checkin.survey_id)
    contact, refusal = _usable(svc, view, join_first(svc, view.contact))
    if refusal is not None or contact is None or view.checkin is None:
        return await refuse(svc, update_id, refusal or "button_expired", view.contact)
    if view.progress is not None:
        current = State.from_data(view.progress.state).current
        shown_at = svc.shown.shown_at(link, current)
        if shown_at is not None and svc.now() - shown_at < DOUBLE_TAP_SECONDS:
            return await refuse(svc, update_id, "question_below", contact)
    return await _begin(svc, view.checkin, contact, link, view, update_id)


async def carry_on(svc: Services, chat_id: int, update_id: int) -> Outcome:
    """/checkin: the started check-in where they were, else the open one they have not done."""
    contact = await joined(svc, chat_id)
    if contact is None:
        return await tell(svc, update_id, await _join_first(svc, chat_id), None)
    views = await _open_for(svc, contact)
    for checkin, link, view in views:
        if view.progress is not None:  # started: carry on there first
            return await _begin(svc, checkin, contact, link, view, update_id)
    for checkin, link, view in views:
        if not view.finished:
            return await _begin(svc, checkin, contact, link, view, update_id)
    finished_one = bool(views)
    return await tell(svc, update_id, "already_done" if finished_one else "no_checkin", contact)


async def event(
    svc: Services,
    chat_id: int,
    happened: Event,
    update_id: int,
    otherwise: str,
    stranger: str | None = None,
) -> Outcome:
    """Typed text or something unreadable: an answer to the started check-in; with none,
    the message ``otherwise`` (``stranger``, or how to join, to someone who has not joined)."""
    contact = await joined(svc, chat_id)
    if contact is None:
        return await tell(svc, update_id, stranger or await _join_first(svc, chat_id), None)
    for checkin, link, view in await _open_for(svc, contact):
        if view.progress is not None:
            state = svc.shown.apply(link, State.from_data(view.progress.state))
            return await _step(svc, checkin, contact, link, state, happened, update_id)
    return await tell(svc, update_id, otherwise, contact)


async def keep_shown(svc: Services) -> int:
    """Save which message shows each person's current question (known only in memory), so
    that after a clean restart an older copy still loses its buttons when it is shown again.
    Returns how many were saved."""
    remembered = svc.shown.items()
    found = await svc.store.progress_many([link for link, _, _ in remembered])
    states: dict[str, tuple[int, dict[str, Any]]] = {}
    for link, question_id, message_id in remembered:
        progress = found.get(link)
        if progress is None:
            continue
        state = State.from_data(progress.state)
        if state.current == question_id and state.message_id != message_id:
            states[link] = (progress.checkin_id, engine.shown(state, message_id).to_data())
    return await svc.store.refresh_progress(states, svc.today())


async def _join_first(svc: Services, chat_id: int) -> str:
    return join_first(svc, await svc.store.contact(chat_id))


async def joined(svc: Services, chat_id: int) -> Contact | None:
    """The contact, if they have joined (not stopped, not unreachable)."""
    contact = await svc.store.contact(chat_id)
    return contact if contact and contact.status is ContactStatus.JOINED else None


def _usable(svc: Services, view: CheckinView, stranger: str) -> tuple[Contact | None, str | None]:
    """The joined contact, or why this check-in cannot be used by them now (``stranger`` for
    someone who has not joined)."""
    contact = view.contact if view.contact and view.contact.status is ContactStatus.JOINED else None
    if contact is None:
        return None, stranger
    checkin = view.checkin
    if checkin is None or checkin.survey_id not in svc.surveys or not view.invited:
        return contact, "button_expired"
    if not checkin.is_open(svc.now()):
        return contact, "checkin_closed"
    return contact, None


async def _open_for(svc: Services, contact: Contact) -> list[tuple[Checkin, str, CheckinView]]:
    """Open check-ins whose survey is loaded and that are for this person, each with the
    person's pseudonym for it and their view of it (one read each)."""
    found = []
    for checkin in await svc.store.open_checkins(svc.now()):
        if not await knows(svc, checkin.survey_id):
            continue
        link = keys.link(svc.key, checkin.id, contact.chat_id)
        view = await svc.store.checkin_view(contact.chat_id, checkin.id, link, audience.of_checkin)
        if view.invited:
            found.append((checkin, link, view))
    return found


async def _begin(
    svc: Services,
    checkin: Checkin,
    contact: Contact,
    link: str,
    view: CheckinView,
    update_id: int,
) -> Outcome:
    """Start the check-in, or show again where they were (the older copy loses its buttons)."""
    survey = svc.surveys[checkin.survey_id]
    if view.finished:
        if not await svc.store.claim_update(update_id, svc.now()):
            return None
        return Turn(checkin.id, [Say("already_done")], contact.locale, link, None)
    if view.progress is None:
        state, effects = engine.start(survey)
    else:
        before = svc.shown.apply(link, State.from_data(view.progress.state))
        state, effects = engine.advance(survey, before, engine.Resume())
    due = _reply_due(svc, state)
    data, today = state.to_data(), svc.today()
    if not await svc.store.save_progress(link, checkin.id, data, today, update_id, due):
        return None
    return Turn(checkin.id, effects, contact.locale, link, state.current, due)


async def _step(
    svc: Services,
    checkin: Checkin,
    contact: Contact,
    link: str,
    state: State,
    happened: Event,
    update_id: int,
) -> Outcome:
    """Apply one event and write the result once, with the update id."""
    survey = svc.surveys[checkin.survey_id]
    new_state, effects = engine.advance(survey, state, happened)
    store, today, due = svc.store, svc.today(), None
    finish = next((e for e in effects if isinstance(e, Finish)), None)
    if finish is not None:
        # The answers wait under the link until K of this check-in's responses can be released
        # together (``storage.release``); the person is thanked now all the same.
        k, answers = svc.settings.min_group, finish.answers
        stored = await store.finish_response(link, checkin.id, answers, today, update_id, batch=k)
    elif new_state != state:
        due = _reply_due(svc, new_state)
        data = new_state.to_data()
        stored = await store.save_progress(link, checkin.id, data, today, update_id, due)
    else:
        stored = await store.claim_update(update_id, svc.now())
    if not stored:
        return None
    return Turn(checkin.id, effects, contact.locale, link, new_state.current, due)


def _reply_due(svc: Services, state: State) -> float | None:
    """When a reply showing ``state``'s question is taken as lost (None: no question)."""
    return svc.now() + REPLY_GRACE if state.current is not None else None
