"""Every word the bot says to a young person, in English, keyed by id. Welsh and easy-read
wordings are gettext catalogues in ``flows/locale`` keyed by the same ids (see the README,
"Adding a message").

Written for a 16-year-old on a bad day: short, warm, plain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.catalogues import translate

ENGLISH: Mapping[str, str] = {
    "welcome": (
        "Hi, I'm Youth Voice 👋\n\n"
        "Every so often I'll ask you a few quick questions about how things are, "
        "and about the help you get. What you say helps make things better for young people "
        "in and leaving care. We'll tell you what changes because of it.\n\n"
        "{privacy}\n\n"
        "Do you want to join?"
    ),
    "privacy": (
        "🔒 Your privacy\n"
        "• Your answers are anonymous. Staff only see totals, never who said what.\n"
        "• We keep your Telegram chat number so we can message you, and the group you joined. "
        "We never keep your name or username.\n"
        "• If something you tell us makes us worried you're in danger, we may act to keep "
        "you safe.\n"
        "• Type /stop any time to stop messages, or /delete to remove yourself."
    ),
    "slow_down": (
        "Whoa, that's a lot of messages at once 🙂 I'll skip some for a little while. "
        "Wait a moment, then carry on."
    ),
    "after_support": (
        "I'm here too. Take your time. Type /urgent any time to see those numbers again."
    ),
    "join_yes": "Yes, I'm in",
    "join_no": "No thanks",
    "joined": (
        "You're in 🎉 Thank you.\n\n"
        "I'll message you when there's a check-in. Type /help any time to see what I can do."
    ),
    "joined_again": "Welcome back 🙂 You're in again. Type /help to see what I can do.",
    "already_joined": "You're already in 🙂 Type /help to see what I can do.",
    "bad_link": (
        "That invite link didn't work. Please ask the person who gave it to you for a new one."
    ),
    "not_joined": "No problem. I won't message you. If you change your mind, type /start.",
    "start_first": "Type /start to join first.",
    "help": (
        "Here's what I can do:\n"
        "/urgent - people you can talk to right now\n"
        "/checkin - answer the check-in that's open now\n"
        "/meetings - meetings coming up, and your answer\n"
        "/privacy - what we keep and who sees it\n"
        "/language - English or Cymraeg (Welsh)\n"
        "/easyread - easy read: short, simple messages (on or off)\n"
        "/stop - stop all messages from me\n"
        "/delete - remove yourself from Youth Voice\n"
        "/help - this list"
    ),
    "invitation": (
        "Hi 👋 There's a new check-in: {title}\n"
        "It only takes a couple of minutes, and it's anonymous. Tap Start when you're ready."
    ),
    "start_button": "Start",
    "no_checkin": "There's no check-in open right now. I'll message you when there is 🙂",
    "already_done": "You've already done this check-in. Thank you! 💛",
    "checkin_closed": "Sorry, that check-in has closed. I'll message you when there's a new one.",
    "survey_intro": "{title}\n\n{intro}",
    "survey_thanks": "{thanks}",
    "welcome_back_survey": "Welcome back. Here's where you were:",
    "use_buttons": "Please tap one of the buttons to answer 👇",
    "empty_text": "I didn't get any words there. Type your answer, or tap Skip if you see it.",
    "too_long": (
        "That's a lot, thank you for sharing it. I can only take {limit} characters here "
        "(yours was {length}). Could you make it a bit shorter and send it again?"
    ),
    "text_only": "I can only read text and buttons here.",
    "nothing_to_answer": (
        "Thanks for your message. I'm not asking anything right now. "
        "Type /help to see what I can do."
    ),
    "edited": (
        "I saw you changed a message. I keep what you first sent, "
        "so your answers stay as they were."
    ),
    "group": "Hi! I only talk one to one. Tap my name and press Start to talk to me privately.",
    "stopped": "Okay, I won't send you any more messages. Type /start any time to come back.",
    "delete_ask": (
        "This removes you from Youth Voice: your chat number, your group, and any answers "
        "you haven't finished.\n\n"
        "Check-ins you already finished can't be removed, because they're anonymous: "
        "nobody, not even us, can tell which answers were yours.\n\nDelete now?"
    ),
    "delete_yes": "Yes, delete me",
    "delete_no": "No, keep me",
    "deleted": (
        "Done. You've been removed. Finished check-ins stay, but nobody can tell they were yours. "
        "Type /start if you ever want to come back."
    ),
    "delete_cancelled": "Okay, nothing was deleted.",
    "skip": "Skip",
    "skipped": "Skipped",
    "prefer_not": "Prefer not to say",
    "done": "Done ✔",
    "yes": "Yes",
    "no": "No",
    "progress": "{number} of {total}",
    "your_answer": "✔ {label}",
    "text_hint": "Type your answer below (up to {limit} characters).",
    "button_expired": "This button has expired.",
    "already_answered": "You've already answered that one. Your next question is below 👇",
    "use_newest": "Please use the newest message, just below 👇",
    "question_below": "Your question is just below 👇",
    "pick_one_first": "Pick at least one, or tap Skip.",
    "already_finished": "You've finished this check-in. Thank you!",
    "reminder": (
        'Hi 👋 Just a reminder: the check-in "{title}" is still open. '
        "It only takes a couple of minutes. Tap Start if you'd like to do it."
    ),
    "meetings_none": "There are no meetings coming up right now.",
    "meeting_invite": "📅 You're invited: {title}\n{details}\n\nCan you come?",
    "meeting_when": "🕕 {when}",
    "meeting_where": "📍 {place}",
    "meeting_notes": "📝 {notes}",
    "meeting_online": "Join online",
    "meeting_going": "Going ✅",
    "meeting_maybe": "Maybe 🤔",
    "meeting_no": "Can't make it",
    "meeting_your_answer": "You said: {answer}",
    "meeting_no_answer": "You haven't said yet.",
    "rsvp_thanks": "Thanks! You can change this until the meeting starts.",
    "meeting_started": "This meeting has already started.",
    "meeting_cancelled_toast": "This meeting was cancelled.",
    "meeting_reminder_24h": "⏰ Don't forget: {title}\n{details}",
    "meeting_reminder_1h": "⏰ {title} starts in about an hour.\n{details}",
    "meeting_changed": (
        "📅 Change to {title}:\n{details}\n\nCan you still come? You can change your answer."
    ),
    "meeting_cancelled": "Sorry, {title} ({when}) has been cancelled.",
    "language_ask": "Which language would you like?\nPa iaith hoffet ti?",
    "language_set": "Okay, I'll talk to you in English from now on. Type /language to change it.",
    "easy_read_on": (
        "Easy read is on ✅\n\n"
        "I will use short sentences.\n"
        "I will say one thing at a time.\n\n"
        "To turn it off, type /easyread"
    ),
    "easy_read_off": "Easy read is off. Type /easyread any time to turn it back on.",
    "sorry_error": "Sorry, something went wrong on my side. Please try again in a minute.",
    # The safety net (flows.safety): sent at once, before anything else. The contact lines
    # follow; no promise here that anyone else will read what was said.
    "support_urgent": (
        "I'm really glad you told me. You don't have to deal with this on your own. "
        "I'm only a bot, but these people can help you right now:"
    ),
    "support_gentle": (
        "Thank you for telling me. If you'd like to talk to someone about it, "
        "these people are there for you:"
    ),
    "support_call": "call {number}",
    "support_text": "text {text}",
    "support_or": "{first} or {second}",
    "support_line": "• {name}: {how}",
    "support_line_about": "• {name}: {how} ({about})",
}


def say(key: str, lang: str, **params: Any) -> str:
    """The text for ``key`` for the reader ``lang`` (a language, or one with ``@easyread``:
    see ``flows.locales``), from the catalogues in ``flows/locale`` (``flows.catalogues``),
    falling back to standard words and then to English. Every caller names the reader's
    language: no text is rendered without one."""
    return translate(key, ENGLISH[key], lang).format(**params)
