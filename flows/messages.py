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
    # The first message: one phone screen (about 60 words) before its buttons. The privacy
    # details are one tap away, on the "privacy_button" below it.
    "welcome": (
        "Hi, I'm Youth Voice 👋\n\n"
        "Now and then I'll ask you a few quick questions about how things are and the help "
        "you get. Your answers help make things better for young people in and leaving care, "
        "and we'll tell you what changes.\n\n"
        "Nobody sees who said what.\n\nDo you want to join?"
    ),
    "privacy_button": "🔒 How we keep it private",
    # The one long message: everything we keep, and the only time we would tell anyone.
    "privacy": (
        "🔒 Your privacy\n\n"
        "• Staff only see totals. Nobody can tell which answers are yours.\n"
        "• So I can message you, we keep the number Telegram gives your account, the group "
        "you joined, your language and the day you joined. Never your name or username.\n"
        "• If you're invited to a meeting, we keep your answer (going or not) so we can "
        "remind you.\n"
        "• Answers you haven't finished are kept for 7 days so you can carry on, then "
        "deleted.\n"
        "• If you write something that worries me, I'll give you numbers of people who can "
        "help. I don't keep those words.\n"
        "• We only tell someone on the team about you if you say yes. They get a way to "
        "message you, never your answers. We keep a note of that for a year.\n"
        "• Old answers, and people who stopped, are deleted after a set time.\n\n"
        "/mydata shows what we keep about you. /pause gives you a break from messages, "
        "/stop stops them, /delete removes you."
    ),
    "slow_down": (
        "Whoa, that's a lot of messages at once 🙂 I'll skip some for a little while. "
        "Wait a moment, then carry on. Type /help if you need someone to talk to."
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
    # A button on an older welcome, pressed after choosing: nothing changes.
    "welcome_still_in": "You're already in 🙂 To stop my messages, type /stop.",
    "welcome_still_off": "My messages to you are off right now. Type /start to turn them on again.",
    "invite_only": (
        "Hi 👋 To join Youth Voice you need an invite link. Ask your worker for one, then tap it."
    ),
    "bad_link": (
        "That invite link didn't work. Please ask the person who gave it to you for a new one."
    ),
    "not_joined": (
        "No problem. I won't message you. If you change your mind, tap your invite link again, "
        "or ask your worker for one."
    ),
    "start_first": "Type /start to join first.",
    # A command the bot does not know; the command list ("help") follows it.
    "unknown_command": "I don't know {command} 🤔",
    "help": (
        "What I can do:\n"
        "/urgent - talk to someone now\n"
        "/checkin - a check-in\n"
        "/meetings - coming up\n"
        "/updates - what we changed\n"
        "/idea - share an idea\n"
        "/plan - our plan\n"
        "/pause - take a break\n"
        "/mydata - what we keep\n"
        "/language - English or Cymraeg\n"
        "/easyread - easy read\n"
        "/stop - stop messages\n"
        "/delete - remove yourself"
    ),
    "invitation": (
        "Hi 👋 There's a new check-in: {title}\n"
        "It only takes a couple of minutes, and nobody will know which answers are yours. "
        "Tap Start when you're ready."
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
    # A long answer is never sent back: the first part is kept (flows/engine.py).
    "long_kept": (
        "Thank you for writing so much 💛 It was more than I can keep in one answer, "
        "so I've saved the first part."
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
        "This removes you from Youth Voice: the number Telegram gives your account, your "
        "group, your meeting answers, and any answers we can still tell are yours.\n\n"
        "Answers already mixed in with everyone else's stay, but nobody, not even us, can "
        "tell which were yours.\n\nDelete now?"
    ),
    "delete_yes": "Yes, delete me",
    "delete_no": "No, keep me",
    "deleted": (
        "Done. You've been removed. Answers already mixed in with everyone else's stay, but "
        "nobody can tell they were yours. If you want to come back, ask your worker for an "
        "invite link."
    ),
    "delete_cancelled": "Okay, nothing was deleted.",
    "delete_nothing": "There's nothing to delete. We don't keep anything about you.",
    "deleted_already": "That's done already. We don't keep anything about you now.",
    "skip": "Skip",
    "skipped": "Skipped",
    "prefer_not": "Prefer not to say",
    "done": "Done ✔",
    "yes": "Yes",
    "no": "No",
    "progress": "{number} of {total}",
    "your_answer": "✔ {label}",
    "text_hint": "Type your answer below. A few words is fine.",
    "button_expired": "That button doesn't work any more. Please use the newest message.",
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
    # "You said, we did": what staff did about what young people said.
    "update_message": (
        "📣 You said, we did\n\n"
        "You said: {you_said}\n\n"
        "We did: {we_did}\n\n"
        "{status}\n\n"
        "Does this help? Nobody can see what you pick, and you can change it any time."
    ),
    "update_done": "✅ Done.",
    "update_in_progress": "⏳ We're working on it.",
    "update_planned": "📅 We plan to do it by {date}.",
    "update_couldnt": "😔 We couldn't do it. This is why: {why}",
    "update_helps": "That helps",
    "update_not_enough": "Not enough",
    "update_chosen": "✓ {label}",
    "update_tell_more": "Tell us more",
    "feedback_thanks": "Thanks! You can change your answer any time.",
    "feedback_same": "That's your answer already 🙂",
    "feedback_not_saved": "Sorry, that didn't save. Please tap it again in a minute.",
    "tell_more_popup": "Type it below 👇",
    "tell_more_ask": (
        "Go ahead, type what you'd like to tell us. We keep your words, never who sent them."
    ),
    "tell_more_empty": "I didn't get any words there. Type what you'd like to tell us.",
    "tell_more_thanks": "Thank you. We'll read it 💛",
    "updates_none": (
        "No updates yet. When something changes because of what young people said, "
        "you'll see it here."
    ),
    "updates_heading": "What changed because of what you said:",
    "update_card": "📣 You said: {you_said}\nWe did: {we_did}\n{status}",
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
    # The safety net (flows.safety): sent at once, before anything else, with the contact
    # lines under the opening. One message (about 330 characters with the bundled contacts):
    # a reply in a crisis must arrive whole, so it is kept short rather than split in two.
    "support_urgent": (
        "I'm glad you told me. I'm only a bot, but these people can help right now:"
    ),
    "support_gentle": ("Thank you for telling me. If you'd like to talk, these people can help:"),
    # /urgent and /help: the same contacts, for anyone, whatever state they are in.
    "support_anytime": "If you need to talk to someone, these people can help right now:",
    "support_call": "call {number}",
    "support_text": "text {text}",
    "support_or": "{first} or {second}",
    "support_line": "• {name}: {how}",
    "support_line_about": "• {name}: {how} ({about})",
    # After support: asked once a conversation (see README "The safety net").
    "consent_ask": (
        "Would you like someone from the team to get in touch? If you say yes, I'll send "
        "them a way to message you here. I won't send them what you wrote."
    ),
    "consent_yes": "Yes, please",
    "consent_no": "No, thanks",
    "consent_sent": (
        "Okay. I've asked the team to get in touch. Someone will message you here as soon as "
        "they can. If you're in danger right now, call 999."
    ),
    "consent_declined": (
        "That's okay, I won't tell anyone. I'm here if you need me. "
        "Type /urgent any time to see those numbers again."
    ),
    "consent_answered": "You've already answered this. Type /urgent any time to see those numbers.",
    "consent_failed": (
        "Sorry, I couldn't reach the team just now. Please call or text one of the people "
        "above. If you're in danger right now, call 999."
    ),
    "consent_nobody": (
        "I can't pass this on: nobody from the team gets messages from me. "
        "Please reach out to one of these people, or someone you trust:"
    ),
    # To a safeguarding lead (YOUTHVOICE_SAFEGUARDING): never what the young person wrote.
    "alert": (
        "🔔 A young person using Youth Voice has asked for someone from the team to get in "
        "touch. They may be going through something hard. Please reach out soon: tap the "
        "button to message them. (Asked on {day}.)"
    ),
    "alert_button": "Message them",
    # The same, when their Telegram settings do not allow a button that opens a chat with them.
    "alert_hidden": (
        "🔔 A young person using Youth Voice has asked for someone from the team to get in "
        "touch (on {day}). Their Telegram settings hide their account, so I couldn't add a "
        "button. Their Telegram number is {number}: try tg://user?id={number}"
    ),
    # Taking a break (/pause).
    "pause_ask": "Take a break from my messages? You can turn them back on any time.",
    "pause_week": "For a week",
    "pause_month": "For a month",
    "pause_forever": "Until I say",
    "pause_cancel": "No, keep them coming",
    "paused_until": (
        "Okay, I won't send you anything until {day}. Type /resume to turn messages back on "
        "sooner. /help and /urgent still work."
    ),
    "paused_open": (
        "Okay, I won't send you anything until you say. Type /resume to turn messages back "
        "on. /help and /urgent still work."
    ),
    "pause_kept": "Okay, nothing has changed.",
    # A button on a /pause question answered since, or older than a day: nothing changes.
    "pause_answered": (
        "You already answered that one, so I haven't changed anything. Type /pause to choose again."
    ),
    "pause_old": (
        "That question is old, so I haven't changed anything. Type /pause to choose again."
    ),
    "resumed": "Welcome back 🙂 Messages are on again.",
    "not_paused": "Your messages are already on. Type /pause if you'd like a break.",
    # What we keep (/mydata).
    "mydata": (
        "What we keep about you:\n"
        "• Group: {group}\n"
        "• Language: {language}\n"
        "• Joined: {joined}\n"
        "• Messages: {messages}\n"
        "• Unfinished check-ins: {unfinished}\n"
        "• Meetings: {meetings}\n\n"
        "Finished answers stay, but nobody can tell they're yours. /delete removes the rest."
    ),
    "mydata_nothing": (
        "We don't keep anything about you right now. To join, ask your worker for an invite link."
    ),
    "mydata_no_group": "none",
    "mydata_none": "none",
    "mydata_messages_on": "on",
    "mydata_messages_stopped": "stopped (type /start to turn them on)",
    "mydata_messages_paused": "paused until {day}",
    "mydata_messages_paused_open": "paused until you say",
    "mydata_meeting": "{title} ({answer})",
    "mydata_meeting_no_answer": "not answered yet",
    "mydata_waiting": (
        "Your answers to {checkins} are saved, but not mixed in with other people's answers "
        "yet. Until they are, we can still tell they're yours, and /delete removes them too."
    ),
    # priorities: a pick-up-to-three question (a priorities round).
    "max_picks": "You can pick up to {most}. Tap one you picked to untick it, then pick another.",
    # The action plan (issue 11, part "plan"): /plan, what is being done about what young
    # people said.
    "plan_none": (
        "There's no plan yet. When young people have picked what matters most, you'll see "
        "here what we're doing about it."
    ),
    "plan_heading": "📋 The plan: what we're doing about what young people said.",
    "plan_changed": "🆕 marks what's new or changed since you last looked.",
    "plan_same": "Nothing has changed since you last looked.",
    "plan_priority": "💬 You said this matters: {priority}",
    "plan_action": "• {what}\n{status}\n👤 Who's doing it: {role}",
    "plan_action_new": "🆕 New: {what}\n{status}\n👤 Who's doing it: {role}",
    "plan_action_changed": "🆕 Changed: {what}\n{status}\n👤 Who's doing it: {role}",
    "plan_planned": "📅 Planned, not started yet",
    "plan_planned_by": "📅 Planned, to be done by {date}",
    "plan_in_progress": "⏳ Started, we're working on it",
    "plan_in_progress_by": "⏳ Started, to be done by {date}",
    "plan_done": "✅ Done",
    "plan_couldnt": "😔 We couldn't do this one",
    # review: the joint review, one "Is this happening?" question per plan action. The
    # action's words ({what}) are written by staff.
    "review_title": "Is the plan happening?",
    "review_intro": (
        "We made a plan from what you told us. For each thing on it, tell us if it's really "
        "happening. Nobody sees who said what."
    ),
    "review_thanks": (
        "Thank you. The team will see what you all said next to what they say, and we'll "
        "tell you what changes."
    ),
    "review_question": "{what}\n\nIs this happening?",
    "review_yes": "Yes",
    "review_a_bit": "A bit",
    "review_no": "No",
    "review_dont_know": "Don't know",
    # Ideas (issue 11, part "ideas"): /idea and /ideas. An idea is kept tied to nobody.
    "idea_ask": (
        "💡 What would you change? Type your idea below, in your own words. "
        "We keep your idea, never who sent it. Changed your mind? Type /cancel."
    ),
    "idea_thanks": (
        "Thank you! 💡 Your idea is in. The team will read it. "
        "Nobody can tell it came from you. Type /ideas to see what happens to ideas."
    ),
    "idea_long": (
        "Thank you for writing so much 💛 Ideas work best short, so I've kept the first part."
    ),
    "idea_empty": "I didn't get any words there. Type your idea in a few words.",
    "idea_cancelled": "OK, no idea sent.",
    "nothing_to_cancel": "There's nothing to cancel right now 🙂 Type /help to see what I can do.",
    "ideas_heading": "💡 Ideas from young people",
    "ideas_waiting_none": "No new ideas are waiting right now.",
    "ideas_waiting_few": "A few new ideas are waiting for the team to read them.",
    "ideas_waiting_many": "At least {count} new ideas are waiting for the team to read them.",
    "ideas_approved_heading": (
        "✅ The team said yes to these. Next, you can pick the ones that matter most:"
    ),
    "ideas_approved_none": "The team hasn't said yes to any ideas yet.",
    "ideas_item": "• {text}",
    "ideas_backed": "   👥 {count} people said this",
    "ideas_more": "…and more.",
    "ideas_add": "Type /idea to share yours. Nobody sees who sent which idea.",
}


def say(key: str, lang: str, **params: Any) -> str:
    """The text for ``key`` for the reader ``lang`` (a language, or one with ``@easyread``:
    see ``flows.locales``), from the catalogues in ``flows/locale`` (``flows.catalogues``),
    falling back to standard words and then to English. Every caller names the reader's
    language: no text is rendered without one."""
    return translate(key, ENGLISH[key], lang).format(**params)
