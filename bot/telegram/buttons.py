"""Button presses. Button data comes back from the phone, so it is decoded by
``bot.actions.button_data`` and checked against the database; anything unknown, forged or out of
date gets "that button doesn't work any more" and changes nothing.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.actions import answering, ideas, people, reading
from bot.actions.button_data import (
    Answer,
    Consent,
    Decline,
    Delete,
    ExportBack,
    ExportOf,
    Feedback,
    Join,
    Language,
    MeetingReply,
    Pause,
    PlanPress,
    Privacy,
    ResultsOf,
    StartCheckin,
    TellMore,
    WizardPress,
    decode,
)
from bot.actions.feedback import end_note_wait
from bot.services import Services
from bot.telegram import action_plan, care, conversation, feedback, meetings, reports, wizard
from bot.telegram.context import services
from bot.telegram.render import show
from flows.locales import from_telegram


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press by its decoded kind: join, no thanks, start, answer, RSVP, delete,
    feedback on an update, tell us more, a staff wizard's button."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    person, update_id, zone = query.from_user.id, update.update_id, svc.settings.zone
    match decode(query.data or ""):
        case Join(code):
            language = from_telegram(query.from_user.language_code)
            await show(update, await people.join(svc, person, code, update_id, language), zone)
        case Language(code):
            await show(update, await reading.set_language(svc, person, code, update_id), zone)
        case Decline():
            await show(update, await people.decline(svc, person, update_id), zone)
        case Consent(yes):
            await care.on_consent(svc, update, context, query, yes)
        case Pause() as pause:
            await care.on_pause_button(svc, update, pause)
        case Privacy(code):
            language = from_telegram(query.from_user.language_code)
            shown = await people.privacy_details(svc, person, code, update_id, language)
            await show(update, shown, zone)
        case Delete(confirmed):
            language = from_telegram(query.from_user.language_code)
            shown = await people.delete(svc, person, confirmed, update_id, language)
            await show(update, shown, zone)
        case StartCheckin(checkin_id):
            await end_note_wait(svc, person)  # what they type now is for the check-in
            await ideas.end_wait(svc, person)
            outcome = await answering.start(svc, person, checkin_id, update_id)
            await conversation.show(svc, update, outcome)
        case Answer() as answer:
            await _answer(svc, update, query, answer)
        case MeetingReply() as reply_to_meeting:
            await meetings.on_rsvp(svc, update, query, reply_to_meeting)
        case Feedback() as choice:
            await feedback.on_feedback(svc, update, query, choice)
        case TellMore(posted_id):
            await ideas.end_wait(svc, person)  # what they type now is the note
            await feedback.on_tell_more(svc, update, posted_id)
        case WizardPress() as press:
            await wizard.on_press(update, context, press)
        case ResultsOf() | ExportOf() | ExportBack() as for_leads:
            await reports.on_press(svc, update, query, for_leads)
        case PlanPress() as on_plan:
            await action_plan.on_press(svc, update, context, query, on_plan)
        case None:
            await show(update, await people.refuse(svc, update_id, "button_expired"), zone)


async def _answer(svc: Services, update: Update, query: CallbackQuery, answer: Answer) -> None:
    message_id = query.message.message_id if query.message is not None else None
    outcome = await answering.press(
        svc,
        query.from_user.id,
        answer.checkin_id,
        answer.question_id,
        answer.value,
        message_id,
        update.update_id,
    )
    await conversation.show(svc, update, outcome)
